"""What the records' SQLite engine costs the turns that write a record, against SQLAlchemy's default.

The turns that write to the project's records while the customer waits: a handoff opened (the
check for an open one, the insert, the read back), the NPS question (the cooldown check and the
ask), a complaint ticket and a feedback note. Each runs on a fresh SQLite file twice in the same
run, alternating: once through `create_database_engine` as committed, once through the engine
SQLAlchemy 1.4 makes for a file by default (a file opened for every transaction, rollback journal,
synchronous=FULL: what the records had until 2026-12-07 unless a channel adapter had switched the
shared file to WAL). Prints p50 and p95 per operation and the ratio of the medians.

    .venv/bin/python bench/records_write_bench.py [--rounds 200] [--folder DIR]

`--folder` puts the files where the deployment keeps `var/` (the disk matters: syncs dominate).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bot.handoff.store import HandoffStore  # noqa: E402  (runs as a script from any directory)
from bot.records.database import create_database_engine  # noqa: E402
from bot.records.feedback_store import FeedbackStore  # noqa: E402
from bot.records.nps_store import NpsStore  # noqa: E402
from bot.records.schema_migrations import create_schema  # noqa: E402
from bot.records.ticket_store import TicketStore  # noqa: E402
from bot.trainer.nlu_scoring import percentile  # noqa: E402

Operation = Callable[[int], None]


def sqlalchemy_default_engine(url: str) -> Engine:
    """The engine the records had before: SQLAlchemy 1.4's own for a SQLite file."""
    return sa.create_engine(url, future=True, connect_args={"timeout": 30})


def operations(engine: Engine) -> Dict[str, Operation]:
    """One record-writing step of a turn per name; the argument makes each call a new customer."""
    create_schema(engine)
    handoffs, nps = HandoffStore(engine), NpsStore(engine, cooldown_hours=24)
    tickets, feedback = TicketStore(engine), FeedbackStore(engine)

    def open_handoff(number: int) -> None:
        handoffs.open(f"c{number}", "rest", f"c{number}", "frustration", 0.9, ["useless"], [{"event": "user"}])

    def ask_nps(number: int) -> None:
        if nps.may_ask(f"c{number}"):
            nps.record_ask(f"c{number}", f"c{number}")

    return {
        "handoff opened": open_handoff,
        "NPS asked (check + record)": ask_nps,
        "complaint ticket": lambda number: tickets.log(f"c{number}", "rest", "the lid is cracked"),
        "feedback note": lambda number: feedback.record(f"c{number}", "rest", "quick answer, thanks"),
    }


def measure(folder: Path, rounds: int) -> Dict[str, Dict[str, List[float]]]:
    """Seconds per call, per engine and operation, the engines alternating call by call."""
    makers = {"committed": create_database_engine, "SQLAlchemy default": sqlalchemy_default_engine}
    engines = {label: make(f"sqlite:///{folder / (label.replace(' ', '_') + '.db')}") for label, make in makers.items()}
    steps = {label: operations(engine) for label, engine in engines.items()}
    timings: Dict[str, Dict[str, List[float]]] = {label: {name: [] for name in steps[label]} for label in steps}
    for number in range(rounds):
        order = list(steps) if number % 2 == 0 else list(reversed(steps))
        for label in order:
            for name, step in steps[label].items():
                started = time.perf_counter()
                step(number)
                timings[label][name].append(time.perf_counter() - started)
    for engine in engines.values():
        engine.dispose()
    return timings


def report(timings: Dict[str, Dict[str, List[float]]], folder: Path) -> str:
    """A table: per operation, p50 / p95 ms per engine and the committed engine's median ratio."""
    committed, default = timings["committed"], timings["SQLAlchemy default"]
    lines = [
        f"records written on SQLite files in {folder}, {len(next(iter(committed.values())))} calls each",
        f"  {'operation':28s} {'committed p50 / p95 ms':>24s} {'SQLAlchemy default p50 / p95 ms':>33s} {'ratio p50':>10s}",
    ]
    for name in committed:
        ours, theirs = committed[name], default[name]
        lines.append(
            f"  {name:28s} {statistics.median(ours) * 1e3:11.2f} / {percentile(ours, 0.95) * 1e3:7.2f}"
            f" {statistics.median(theirs) * 1e3:20.2f} / {percentile(theirs, 0.95) * 1e3:7.2f}"
            f" {statistics.median(ours) / statistics.median(theirs):10.3f}"
        )
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--folder", type=Path, default=None, help="where the SQLite files go (default: a temporary folder)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    with ExitStack() as cleanup:
        if args.folder is not None:
            args.folder.mkdir(parents=True, exist_ok=True)
            folder = Path(tempfile.mkdtemp(prefix="records-bench-", dir=args.folder))
        else:
            folder = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="records-bench-")))
        print(report(measure(folder, args.rounds), folder))
    return 0

if __name__ == "__main__":
    sys.exit(main())
