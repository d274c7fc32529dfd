"""Tests for bench/channels_bench.py's report: per-round paired ratios and CPU readings."""

from __future__ import annotations

import os
import time

from bench.channels_bench import Measurement, ProcessCpu, table


def _row(report: str, channel: str) -> list[str]:
    line = next(line for line in report.splitlines() if line.startswith(f"| {channel} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_paired_ratio_is_the_median_of_per_round_ratios() -> None:
    """Round by round the adapter is 1.1x, 1.2x and 1.0x REST: the paired figure is their median,
    even though whole-run p50s (mixing slow and fast rounds) would give another ratio."""
    rest = Measurement("rest", "A", [0.1, 0.2, 0.3], 1.0, server_cpu_s=0.03, round_p50s=[100.0, 200.0, 300.0])
    adapter = Measurement(
        "sms", "A", [0.11, 0.24, 0.3], 1.0, server_cpu_s=0.036, rig_cpu_s=0.006, round_p50s=[110.0, 240.0, 300.0]
    )
    cells = _row(table([rest, adapter]), "sms")
    assert cells[8] == "1.10 (1.00–1.20)"
    assert cells[10] == "12.0"
    assert cells[11] == "1.20"
    assert cells[12] == "2.0"


def test_cpu_ratio_says_na_when_the_server_cpu_was_not_read() -> None:
    """A server whose process id is unknown reads zero CPU; the ratio is not made up."""
    rest = Measurement("rest", "B", [0.1], 1.0, round_p50s=[100.0])
    builtin = Measurement("twilio", "B", [0.1], 1.0, round_p50s=[100.0])
    assert _row(table([rest, builtin]), "twilio")[11] == "n/a"
    assert ProcessCpu(None).seconds() == 0.0


def test_process_cpu_counts_work_done_by_the_process() -> None:
    """Busy work in this process shows up in its /proc CPU time."""
    cpu = ProcessCpu(os.getpid())
    before = cpu.seconds()
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:
        sum(range(1000))
    assert cpu.seconds() - before >= 0.1
