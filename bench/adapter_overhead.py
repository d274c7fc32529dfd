"""What our Telegram adapter adds to a reply: REST and Telegram turns paired on the same server.

One server of ours per code tree (as the speed bench serves it, one instance, pacing lifted), all
against one fake Bot API. Every message of the speed bench's script is sent through each
(tree, REST | Telegram) target in turn, one at a time, the order rotating between messages, so a
busy moment on the shared 2 cores hits every target alike. A REST turn ends with its HTTP
response, a Telegram turn when its last sendMessage reaches the fake. Prints p50 and mean per
target and the paired Telegram - REST difference per tree (and each tree against the first).

    .venv/bin/python bench/adapter_overhead.py --turns 600 new=.                 # this tree only
    .venv/bin/python bench/adapter_overhead.py --turns 600 old=/tmp/old new=.    # old vs new
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.speed.load import RestTarget, Target, TelegramTarget  # noqa: E402  (needs the repo on sys.path)
from bench.speed.script import SCRIPT  # noqa: E402
from bench.speed.servers import serving_trees  # noqa: E402
from tests.fakes.channel_assistant import PlatformSecrets  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramApi  # noqa: E402

CHAT_BASE = 5_000_000


async def paired_turns(targets: Dict[str, Target], turns: int) -> Dict[str, List[float]]:
    """Calibrate every target, then `turns` turns each, in a rotating order per message (seconds)."""
    for target in targets.values():
        await target.calibrate(0, SCRIPT)
    latencies: Dict[str, List[float]] = {name: [] for name in targets}
    orders = itertools.cycle(itertools.permutations(targets))
    conversation = 1
    while min(len(values) for values in latencies.values()) < turns:
        for position, text in enumerate(SCRIPT):
            for name in next(orders):
                latencies[name].append(await targets[name].turn(conversation, position, text))
        conversation += 1
    for target in targets.values():
        await target.close()
    return latencies


def measure(model: Path, trees: Sequence[Tuple[str, Path]], turns: int) -> Dict[str, List[float]]:
    """Start one server per tree (run from it, its code on PYTHONPATH), run the paired turns, stop the servers."""
    secrets = PlatformSecrets()
    with FakeTelegramApi(secrets.telegram_token) as fake, tempfile.TemporaryDirectory() as work:
        with serving_trees(model, trees, Path(work), fake.url, secrets) as deployments:
            targets: Dict[str, Target] = {}
            for index, (label, deployment) in enumerate(deployments):
                targets[f"rest_{label}"] = RestTarget(f"rest_{label}", deployment.urls, f"overhead-{label}")
                targets[f"telegram_{label}"] = TelegramTarget(
                    f"telegram_{label}", deployment.urls, fake, secrets.telegram_secret, CHAT_BASE * (index + 1)
                )
            return asyncio.run(paired_turns(targets, turns))


def report(latencies: Dict[str, List[float]], labels: Sequence[str]) -> str:
    """Per-target p50/mean and the paired differences, in milliseconds."""
    ms = {name: [1000 * value for value in values] for name, values in latencies.items()}
    lines = [
        f"{name:16s} n {len(values)}  p50 {statistics.median(values):6.2f}  mean {statistics.mean(values):6.2f}"
        for name, values in ms.items()
    ]
    for label in labels:
        rest, telegram = ms[f"rest_{label}"], ms[f"telegram_{label}"]
        lines.append(
            f"{label}: Telegram - REST, paired: median {_paired_median(rest, telegram):+.2f} ms, "
            f"p50 ratio {statistics.median(telegram) / statistics.median(rest):.3f}"
        )
    for label in labels[1:]:
        for kind in ("telegram", "rest"):
            difference = _paired_median(ms[f"{kind}_{labels[0]}"], ms[f"{kind}_{label}"])
            lines.append(f"{kind}: {label} - {labels[0]}, paired median {difference:+.2f} ms")
    return "\n".join(lines)


def _paired_median(first: Sequence[float], second: Sequence[float]) -> float:
    return statistics.median(b - a for a, b in zip(first, second))


def main(argv: Sequence[str] = ()) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="+", help="LABEL=PATH of a code tree (a checkout of this repository)")
    parser.add_argument("--model", type=Path, help="model archive (default: the newest in models/)")
    parser.add_argument("--turns", type=int, default=300, help="turns per target")
    options = parser.parse_args(list(argv) or None)
    trees = [(label, Path(path)) for label, _, path in (tree.partition("=") for tree in options.trees)]
    model = options.model or max((REPO_ROOT / "models").glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    print(report(measure(model, trees, options.turns), [label for label, _ in trees]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
