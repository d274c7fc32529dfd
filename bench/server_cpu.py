"""Server CPU per message under 20-conversation load through the Telegram adapter, old vs new code.

Our assistant per code tree as the speed bench serves it (one instance, or `--instances 2` with
Redis locks and dedupe; pacing lifted), all against one fake Bot API. In each round every tree
gets one burst of `--conversations` conversations of the speed bench's script, `--concurrency` at
a time, the order of the trees rotating between rounds, while the others idle; the CPU its Rasa
processes used in the burst (user + system, every thread, from /proc/<pid>/stat; Redis not
counted) is divided by the burst's messages. Prints, per tree, the median and spread of CPU ms
per message and throughput, and each tree's paired median ratio to the first. `--py-spy FILE`
records the first tree's (first) server with py-spy during its bursts (raw folded stacks, for
bench/speed/cpu_breakdown.py or a flame graph).

    .venv/bin/python bench/server_cpu.py new=.                              # this tree only
    .venv/bin/python bench/server_cpu.py --rounds 8 old=/tmp/old new=.      # old vs new, paired
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.speed.load import TelegramTarget, run_level  # noqa: E402  (needs the repo on sys.path)
from bench.speed.processes import process_tree  # noqa: E402
from bench.speed.script import SCRIPT  # noqa: E402
from bench.speed.servers import serving_trees  # noqa: E402
from tests.fakes.channel_assistant import PlatformSecrets  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramApi  # noqa: E402

CHAT_BASE = 20_000_000
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class TreeRuns:
    """CPU ms per message and messages per second of each burst of one tree."""

    cpu_ms: List[float] = field(default_factory=list)
    main_thread_ms: List[float] = field(default_factory=list)
    throughput: List[float] = field(default_factory=list)
    replies: List[List[str]] = field(default_factory=list)


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU of `pids` and their descendants so far (every thread), from /proc."""
    return sum(_stat_cpu(Path(f"/proc/{member}/stat")) for pid in pids for member in process_tree(pid))


def main_thread_cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU of the main threads (the servers' event loops) of `pids` so far."""
    return sum(_stat_cpu(Path(f"/proc/{pid}/task/{pid}/stat")) for pid in pids)


def _stat_cpu(stat: Path) -> float:
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def start_py_spy(pid: int, output: Path) -> subprocess.Popen:
    """py-spy recording `pid` (Python frames, per thread, raw folded stacks) until SIGINT, without
    pausing it (native frames would need pauses that cut throughput tenfold)."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    command = [py_spy, "record", "--pid", str(pid), "--threads", "--nonblocking", "--format", "raw",
               "--rate", "200", "--output", str(output)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def bursts(
    servers: Dict[str, Tuple[List[int], TelegramTarget]], rounds: int, conversations: int, concurrency: int,
    spy: Optional[Tuple[str, Path]],
) -> Dict[str, TreeRuns]:
    """Warm up and calibrate each tree (keeping the replies to the script), then `rounds` rounds of one burst per tree."""
    labels = list(servers)
    runs = {label: TreeRuns() for label in labels}
    next_conversation = 1
    for label, (_, target) in servers.items():
        runs[label].replies = await target.calibrate(0, SCRIPT)
        await run_level(target, concurrency, range(next_conversation, next_conversation + concurrency), SCRIPT)
        next_conversation += concurrency
    recorder = None
    if spy is not None:
        recorder = start_py_spy(servers[spy[0]][0][0], spy[1])
        await asyncio.sleep(1.0)
    try:
        for round_index in range(rounds):
            shift = round_index % len(labels)
            for label in [*labels[shift:], *labels[:shift]]:
                pids, target = servers[label]
                ids = range(next_conversation, next_conversation + conversations)
                next_conversation += conversations
                before, main_before = cpu_seconds(pids), main_thread_cpu_seconds(pids)
                result = await run_level(target, concurrency, ids, SCRIPT)
                await asyncio.sleep(0.2)  # the last replies' bookkeeping after their sendMessage
                used, main_used = cpu_seconds(pids) - before, main_thread_cpu_seconds(pids) - main_before
                runs[label].cpu_ms.append(1000 * used / result.turns)
                runs[label].main_thread_ms.append(1000 * main_used / result.turns)
                runs[label].throughput.append(result.throughput)
            print(
                f"round {round_index + 1}: "
                + ", ".join(f"{label} {runs[label].cpu_ms[-1]:.2f} ms/msg {runs[label].throughput[-1]:.0f} msg/s"
                            for label in labels),
                file=sys.stderr, flush=True,
            )
    finally:
        if recorder is not None:
            recorder.send_signal(signal.SIGINT)
            recorder.wait(timeout=60)
    for _, target in servers.values():
        await target.close()
    return runs


def measure(
    model: Path, trees: Sequence[Tuple[str, Path]], rounds: int, conversations: int, concurrency: int,
    spy_output: Optional[Path], work_dir: Optional[Path] = None, instance_count: int = 1,
) -> Dict[str, TreeRuns]:
    """Start one server per tree (run from it, its code on PYTHONPATH), run the bursts, stop the servers; the
    servers' folders (logs, databases) go to `work_dir` when given, else to a temporary folder."""
    secrets = PlatformSecrets()
    with FakeTelegramApi(secrets.telegram_token) as fake, tempfile.TemporaryDirectory() as temporary:
        with serving_trees(model, trees, work_dir or Path(temporary), fake.url, secrets, instance_count) as deployments:
            servers: Dict[str, Tuple[List[int], TelegramTarget]] = {}
            for index, (label, deployment) in enumerate(deployments):
                target = TelegramTarget(
                    label, deployment.urls, fake, secrets.telegram_secret, CHAT_BASE * (index + 1)
                )
                servers[label] = ([instance.pid for instance in deployment.instances], target)
            spy = (trees[0][0], spy_output) if spy_output is not None else None
            return asyncio.run(bursts(servers, rounds, conversations, concurrency, spy))


def report(runs: Dict[str, TreeRuns]) -> str:
    """Per tree: median (min-max) CPU ms per message and msg/s; paired median ratios to the first tree."""
    labels = list(runs)
    lines = [
        f"{label:10s} CPU per message median {statistics.median(r.cpu_ms):6.2f} ms "
        f"({min(r.cpu_ms):.2f}-{max(r.cpu_ms):.2f}), event-loop thread {statistics.median(r.main_thread_ms):6.2f} ms, "
        f"throughput median {statistics.median(r.throughput):6.1f} msg/s"
        for label, r in runs.items()
    ]
    first = runs[labels[0]]
    for label in labels[1:]:
        other = runs[label]
        same = "identical to" if other.replies == first.replies else "DIFFERENT from"
        lines.append(f"{label}: the replies to the script (Telegram sendMessage texts) are {same} {labels[0]}'s")
        cpu = statistics.median(b / a for a, b in zip(first.cpu_ms, other.cpu_ms))
        rate = statistics.median(b / a for a, b in zip(first.throughput, other.throughput))
        lines.append(f"{label} / {labels[0]}, paired by round: CPU per message {cpu:.3f}x, throughput {rate:.3f}x")
    return "\n".join(lines)


def main(argv: Sequence[str] = ()) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="+", help="LABEL=PATH of a code tree (a checkout of this repository)")
    parser.add_argument("--model", type=Path, help="model archive (default: the newest in models/)")
    parser.add_argument("--rounds", type=int, default=6, help="bursts per tree")
    parser.add_argument("--conversations", type=int, default=40, help="conversations per burst")
    parser.add_argument("--concurrency", type=int, default=20, help="conversations at a time")
    parser.add_argument("--instances", type=int, default=1,
                        help="Rasa instances per tree (2: Redis locks and dedupe, as docs/deploy.md runs them)")
    parser.add_argument("--work-dir", type=Path, help="keep the servers' folders (logs, databases) here")
    parser.add_argument("--py-spy", type=Path, dest="py_spy", help="record the first tree's server to this file")
    options = parser.parse_args(list(argv) or None)
    trees = [(label, Path(path)) for label, _, path in (tree.partition("=") for tree in options.trees)]
    model = options.model or max((REPO_ROOT / "models").glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    started = time.monotonic()
    runs = measure(model, trees, options.rounds, options.conversations, options.concurrency, options.py_spy,
                   options.work_dir, options.instances)
    print(report(runs))
    print(f"({time.monotonic() - started:.0f} s in all)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
