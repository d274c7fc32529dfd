"""Resident memory of one of our Rasa instances, served as the speed bench serves it, per variant.

Starts `rasa run` as `bench/speed/servers.py` does (the launcher's command, custom actions in
process, the Telegram adapter against a fake Bot API), reads its memory when ready, sends the
speed bench's script through the adapter at the given concurrency levels, and reads it again.
Variants change the Rasa process's environment; they run in turns (rotated each round), so a
drift of the machine affects every variant alike.

    .venv/bin/python bench/memory_bench.py --rounds 3 \\
        --variant "as launched" --variant "glibc defaults:MALLOC_ARENA_MAX=-"

A variant is `name:VAR=value,VAR=-` (`-` removes the variable); `as launched` changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.speed.load import TelegramTarget, run_level  # noqa: E402  (needs the repo on sys.path)
from bench.speed.script import SCRIPT  # noqa: E402
from bench.speed.servers import start_ours, wait_until_serving  # noqa: E402
from bot.launcher.processes import newest_model  # noqa: E402
from tests.fakes.channel_assistant import PlatformSecrets  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramApi  # noqa: E402

MB = 1024 * 1024
WORK_DIR = REPO_ROOT / "bench" / "out" / "memory"
STATUS_FIELDS = ("VmRSS", "VmHWM", "RssAnon", "RssFile", "Threads")
SETTLE_S = 2.0


@dataclass
class Variant:
    """A name and the changes to the Rasa process's environment (None removes a variable)."""

    name: str
    env_changes: Dict[str, Optional[str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> "Variant":
        """`name:VAR=value,VAR=-` -> Variant."""
        name, _, changes = text.partition(":")
        parsed: Dict[str, Optional[str]] = {}
        for change in filter(None, (part.strip() for part in changes.split(","))):
            variable, _, value = change.partition("=")
            parsed[variable] = None if value == "-" else value
        return cls(name.strip(), parsed)


def process_status(pid: int) -> Dict[str, int]:
    """VmRSS, VmHWM, RssAnon, RssFile (bytes) and Threads of a process, from /proc/PID/status."""
    figures: Dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in STATUS_FIELDS:
            parts = value.split()
            figures[key] = int(parts[0]) * (1024 if len(parts) > 1 else 1)
    return figures


async def load(target: TelegramTarget, levels: Sequence[int], waves: int) -> int:
    """Calibrate, then run `waves` x level conversations through the script at each level; messages sent."""
    await target.calibrate(0, SCRIPT)
    sent = len(SCRIPT)
    next_conversation = 1
    for level in levels:
        conversations = list(range(next_conversation, next_conversation + waves * level))
        next_conversation += len(conversations)
        await run_level(target, level, conversations, SCRIPT)
        sent += len(conversations) * len(SCRIPT)
    return sent


def measure(variant: Variant, model: Path, levels: Sequence[int], waves: int, run_dir: Path) -> Dict[str, int]:
    """One start of the server with `variant`: its status when ready and after the load."""
    secrets = PlatformSecrets()
    with FakeTelegramApi(secrets.telegram_token) as telegram:
        deployment = start_ours("ours", model, run_dir, 1, telegram.url, secrets, variant.env_changes)
        try:
            wait_until_serving(deployment)
            time.sleep(SETTLE_S)
            pid = deployment.instances[0].pid
            ready = process_status(pid)
            target = TelegramTarget("ours", deployment.urls, telegram, secrets.telegram_secret, 10_000_000)

            async def drive() -> int:
                try:
                    return await load(target, levels, waves)
                finally:
                    await target.close()

            sent = asyncio.run(drive())
            time.sleep(SETTLE_S)
            loaded = process_status(pid)
        finally:
            deployment.stop()
    figures = {f"ready {key}": value for key, value in ready.items()}
    figures.update({f"loaded {key}": value for key, value in loaded.items()})
    figures["messages"] = sent
    return figures


def summary(results: Dict[str, List[Dict[str, int]]]) -> str:
    """A Markdown table: per variant, the median (min-max) of each figure over the rounds."""
    keys = [key for key in next(iter(results.values()))[0] if key != "messages"]
    lines = [
        "| variant | runs | " + " | ".join(keys) + " |",
        "| --- | ---: | " + " | ".join("---:" for _ in keys) + " |",
    ]
    for name, runs in results.items():
        cells = []
        for key in keys:
            values = [run[key] for run in runs]
            scale = 1 if key.endswith("Threads") else MB
            cells.append(
                f"{statistics.median(values) / scale:.0f} ({min(values) / scale:.0f}-{max(values) / scale:.0f})"
            )
        lines.append(f"| {name} | {len(runs)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="model archive (default: the newest in models/)")
    parser.add_argument("--variant", action="append", default=[], help="name:VAR=value,VAR=- (repeatable)")
    parser.add_argument("--rounds", type=int, default=3, help="starts of the server per variant")
    parser.add_argument("--levels", default="1,20,50", help="concurrency levels of the load (comma-separated)")
    parser.add_argument("--waves", type=int, default=2, help="conversations per level = waves x level")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Measure every variant `--rounds` times, in rotated turns; print the table."""
    args = parse_args(argv)
    model = args.model or newest_model(REPO_ROOT / "models")
    if model is None:
        print("No model in models/: run `.venv/bin/python -m bot train` first.", file=sys.stderr)
        return 1
    variants = [Variant.parse(text) for text in (args.variant or ["as launched"])]
    levels = [int(level) for level in args.levels.split(",")]
    results: Dict[str, List[Dict[str, int]]] = {variant.name: [] for variant in variants}
    for round_index in range(args.rounds):
        shift = round_index % len(variants)
        for variant in [*variants[shift:], *variants[:shift]]:
            figures = measure(variant, model, levels, args.waves, WORK_DIR / "run")
            results[variant.name].append(figures)
            print(
                f"round {round_index + 1} {variant.name}: ready {figures['ready VmRSS'] / MB:.0f} MB, "
                f"after {figures['messages']} messages {figures['loaded VmRSS'] / MB:.0f} MB "
                f"(peak {figures['loaded VmHWM'] / MB:.0f}, threads {figures['loaded Threads']})",
                file=sys.stderr, flush=True,
            )
    print(summary(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
