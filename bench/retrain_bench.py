"""Retraining time after a small data change: `rasa train`, `--finetune`, and the warm watch process.

Works on a copy of the project (config, domain, data) in a temporary folder with its own empty
Rasa cache, so the first training is a cold, full one. Then it adds one example to an intent and
retrains the ways a trainer can; each figure is also given as a ratio to the cold training.

    .venv/bin/python bench/retrain_bench.py [--changes 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, List, Sequence, Tuple

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bot.launcher.processes import newest_model, train  # noqa: E402
from bot.trainer.training_sources import ProjectPaths  # noqa: E402
from bot.trainer.watch import TrainingWatch  # noqa: E402

CHANGED_FILE = Path("data") / "nlu" / "greet.yml"
ANCHOR = "    - hello\n"


def copy_project(target: Path) -> ProjectPaths:
    """config.yml, domain.yml and data/ copied to `target`."""
    target.mkdir(parents=True)
    for name in ("config.yml", "domain.yml"):
        shutil.copy(REPO_ROOT / name, target / name)
    shutil.copytree(REPO_ROOT / "data", target / "data")
    return ProjectPaths(target)


def add_example(paths: ProjectPaths, number: int) -> None:
    """A new greeting example, different each time (the kind of edit a trainer makes)."""
    path = paths.root / CHANGED_FILE
    text = path.read_text(encoding="utf-8")
    if ANCHOR not in text:
        raise SystemExit(f"{CHANGED_FILE} no longer has the line {ANCHOR.strip()!r} this bench edits after")
    path.write_text(text.replace(ANCHOR, f"{ANCHOR}    - hello there, greeting number {number}\n", 1), encoding="utf-8")


def rasa_train(paths: ProjectPaths, models: Path, extra: Sequence[str] = ()) -> float:
    """Seconds for one `rasa train` command, as `make train` runs it (`bot.launcher.processes.train`)."""
    started = time.perf_counter()
    train(models, paths.root, extra)
    return time.perf_counter() - started


def repeated(times: int, paths: ProjectPaths, first_number: int, retrain: Callable[[], float]) -> List[float]:
    """Make a fresh one-example change before each of `times` retrains; their seconds."""
    seconds = []
    for offset in range(times):
        add_example(paths, first_number + offset)
        seconds.append(retrain())
    return seconds


def warm_retrain(watch: TrainingWatch) -> float:
    """Seconds for the warm watch process to notice the change, check the data and retrain."""
    started = time.perf_counter()
    round_ = watch.poll()
    if round_ is None or round_.model is None:
        raise SystemExit("the watch process did not retrain after a change")
    return time.perf_counter() - started


def main(argv: Sequence[str] = ()) -> int:
    """Run every way of retraining on the same copy and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=3, help="one-example changes timed per way (median shown)")
    args = parser.parse_args(list(argv) or None)
    with tempfile.TemporaryDirectory(prefix="retrain-bench-") as folder:
        root = Path(folder)
        os.environ["RASA_CACHE_DIRECTORY"] = str(root / "cache")
        paths = copy_project(root / "project")
        models = root / "models"
        rows: List[Tuple[str, List[float]]] = []
        rows.append(("full training, empty cache (`rasa train`)", [rasa_train(paths, models)]))
        rows.append(("one example added, `rasa train` (cache keeps the dialogue policies)",
                     repeated(args.changes, paths, 1, lambda: rasa_train(paths, models))))
        rows.append(("one example added, `rasa train --finetune`", repeated(
            args.changes, paths, 100, lambda: rasa_train(paths, models, ("--finetune", str(newest_model(models)))))))
        watch = TrainingWatch(paths, models, out=open(os.devnull, "w"))
        started = time.perf_counter()
        watch.poll()
        rows.append(("watch process start (imports Rasa once, checks the cache)", [time.perf_counter() - started]))
        rows.append(("one example added, `python -m bot.trainer watch` (warm process)",
                     repeated(args.changes, paths, 200, lambda: warm_retrain(watch))))
    cold = rows[0][1][0]
    load = os.getloadavg()
    print(f"\nRetraining after a one-example NLU change ({os.cpu_count()} CPUs, load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; median of {args.changes} changes)\n")
    print("| how | seconds (median) | runs | vs full training |")
    print("| --- | ---: | --- | ---: |")
    for label, seconds in rows:
        median = statistics.median(seconds)
        runs = ", ".join(f"{s:.1f}" for s in seconds)
        print(f"| {label} | {median:.1f} | {runs} | {median / cold:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
