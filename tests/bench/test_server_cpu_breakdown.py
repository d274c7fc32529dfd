"""The server-CPU bench's paired report and the py-spy breakdown's part rules."""

from __future__ import annotations

from pathlib import Path

from bench.server_cpu import TreeRuns, report
from bench.speed.cpu_breakdown import breakdown, part_of, report as breakdown_report, thread_samples

ROOT = "serve (sanic/server/runners.py:155);handler (rasa/core/channels/channel.py:89)"
RAW = "\n".join([
    "thread (1): MainThread;serve (sanic/server/runners.py:155) 50",
    f"thread (1): MainThread;{ROOT};_retrieve (bot/server/tracker_store.py:119);loads (json/__init__.py:346) 20",
    f"thread (1): MainThread;{ROOT};parse_message (rasa/core/processor.py:724);run (onnxruntime/capi/x.py:287) 20",
    f"thread (1): MainThread;{ROOT};parse_message (rasa/core/processor.py:724);emit (logging/__init__.py:1) 10",
    "thread (2): actions_0;_worker (concurrent/futures/thread.py:81) 999",
])


def test_paired_ratios_are_per_round() -> None:
    runs = {
        "old": TreeRuns(cpu_ms=[10.0, 12.0], main_thread_ms=[9.0, 11.0], throughput=[100.0, 80.0], replies=[["Hi!"]]),
        "new": TreeRuns(cpu_ms=[9.0, 12.0], main_thread_ms=[8.0, 11.0], throughput=[110.0, 80.0], replies=[["Hi!"]]),
        "odd": TreeRuns(cpu_ms=[10.0, 12.0], main_thread_ms=[9.0, 11.0], throughput=[100.0, 80.0], replies=[["Hey"]]),
    }
    lines = report(runs).splitlines()
    assert lines[3:] == [
        "new: the replies to the script (Telegram sendMessage texts) are identical to old's",
        "new / old, paired by round: CPU per message 0.950x, throughput 1.050x",
        "odd: the replies to the script (Telegram sendMessage texts) are DIFFERENT from old's",
        "odd / old, paired by round: CPU per message 1.000x, throughput 1.000x",
    ]


def test_a_sample_goes_to_the_first_part_matching_any_frame() -> None:
    samples = thread_samples(RAW, "MainThread")
    assert len(samples) == 4
    assert breakdown(samples) == {"tracker store": 20, "encoder (onnxruntime)": 20, "logging": 10}
    assert part_of(["parse_message (rasa/core/processor.py:724)", "sub (re.py:1)"]) == "NLU other"
    assert part_of(["select (selectors.py:1)"]) == "other"


def test_the_report_splits_the_measured_cpu_over_busy_samples(tmp_path: Path) -> None:
    raw = tmp_path / "profile.raw"
    raw.write_text(RAW, encoding="utf-8")
    lines = breakdown_report(raw, "MainThread", 10.0).splitlines()
    assert lines[0] == "MainThread: 50 busy samples, 10.00 ms CPU per message"
    assert lines[-1].split() == ["logging", "2.00", "ms", "(20.0%)"]
