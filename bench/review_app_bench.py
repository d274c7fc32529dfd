"""Page load times of the review app with 10,000 handoffs in the store (target: under 300 ms).

Fills a fresh SQLite store through the real code path (`HandoffStore.open`, `claim`,
`record_human_reply`, `resolve`, and `NpsStore.record_score`) with realistic transcripts spread
over 60 days, then times the handoff list, search and metrics pages through the real app
(Starlette TestClient, logged in as a lead) and prints p50/p95 per page.

    python bench/review_app_bench.py [--handoffs 10000] [--repeat 30] [--db-url URL] [--json OUT]

Starting the app builds the search index of all 10,000 transcripts (once; in production handoffs
arrive one at a time and are indexed as they come); that start-up and the metrics plots drawn
cold are reported on their own lines.
While filling, SQLite runs with `synchronous=OFF` and its journal in memory, so the 80,000 small
transactions do not wait for the disk; the timed reads use a normal connection.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import sqlalchemy as sa

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bot.handoff.store import HandoffStore  # noqa: E402
from bot.records.database import create_database_engine  # noqa: E402
from bot.records.database import create_database_engine, create_schema  # noqa: E402
from bot.records.nps_store import NpsStore  # noqa: E402
from bot.records.schema_migrations import create_schema  # noqa: E402
from bot.transcript import transcript_from_events  # noqa: E402

TARGET_MS = 300.0
CHANNELS = ("sms", "telegram", "slack", "rest")
AGENTS = ("alice", "bilal", "chen", "dana", "eve", "farid")
TOPICS = [
    ("order_status", "where is my order {order}", "Order {order} is with the courier and arrives tomorrow."),
    ("refund", "I want a refund for order {order}", "Refunds take 3-5 working days after we receive the item."),
    ("delivery", "do you deliver on saturdays", "We deliver Monday to Saturday."),
    ("product_question", "is the aura smart speaker in stock", "The Aura smart speaker is £89.00 and in stock."),
    ("cancel_order", "cancel order {order} please", "I can't cancel order {order}: it has already shipped."),
]
ANGRY = [
    "This is the THIRD time I'm asking, your service is useless!!!",
    "I've been waiting 3 weeks for my refund, this is ridiculous",
    "WHERE IS MY ORDER",
    "Still no response. Unbelievable. Call me on 07700 900{digits}",
    "The kettle arrived broken and nobody answers my emails at customer{digits}@example.com",
    "can I talk to a real person please",
]
SEARCHES = ("refund", "kettle broken", "courier arrives tomorrow")


class BenchClock:
    """A settable clock for writing history."""

    def __init__(self) -> None:
        """Start at an arbitrary moment; `fill` moves it."""
        self.now = datetime(2026, 1, 1, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        """The current time."""
        return self.now


def transcript_events(rng: random.Random, start: datetime) -> List[Dict[str, Any]]:
    """Tracker events of a conversation that ends in a handoff (2-6 customer turns)."""
    events: List[Dict[str, Any]] = []
    moment = start.timestamp()
    for _ in range(rng.randint(1, 5)):
        intent, asked, answer = rng.choice(TOPICS)
        order = str(rng.randint(10000, 99999))
        events.append(_user(asked.format(order=order), intent, rng.uniform(0.55, 0.99), rng.uniform(0, 0.3), moment))
        events.append({"event": "bot", "text": answer.format(order=order), "timestamp": moment + 1, "metadata": {}})
        moment += rng.randint(5, 90)
    angry = rng.choice(ANGRY).format(digits=rng.randint(100, 999))
    events.append(_user(angry, rng.choice(TOPICS)[0], rng.uniform(0.3, 0.9), rng.uniform(0.5, 0.95), moment))
    events.append({"event": "bot", "text": "I'm handing you over to a person on our team now.",
                   "timestamp": moment + 1, "metadata": {}})
    return events


def _user(text: str, intent: str, confidence: float, frustration: float, timestamp: float) -> Dict[str, Any]:
    """A customer message as the tracker stores it."""
    return {"event": "user", "text": text, "timestamp": timestamp, "input_channel": "rest",
            "parse_data": {"intent": {"name": intent, "confidence": round(confidence, 3)},
                           "frustration": {"score": round(frustration, 3), "signals": []}}}


def fill(url: str, count: int, seed: int = 11) -> float:
    """Write `count` handoffs (and NPS answers) through the stores; returns seconds taken."""
    engine = create_database_engine(url)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _fast_writes)
    create_schema(engine)
    clock = BenchClock()
    handoffs = HandoffStore(engine, clock)
    nps = NpsStore(engine, 24, clock)
    rng = random.Random(seed)
    end = datetime.now(timezone.utc)
    began = time.perf_counter()
    for index in range(count):
        opened = end - timedelta(days=60) + timedelta(seconds=index * 60 * 24 * 60 * 60 / count)
        clock.now = opened
        channel = rng.choice(CHANNELS)
        sender = f"{channel}-{index:06d}"
        events = transcript_events(rng, opened - timedelta(minutes=5))
        handoff = handoffs.open(sender, channel, f"Customer {index}", rng.choice(("frustration", "frustration", "customer_asked")),
                                rng.uniform(0.5, 0.95), ["repeated_request"], transcript_from_events(events))
        if index > count - 25:
            continue
        agent = rng.choice(AGENTS)
        handoffs.claim(handoff.id, agent)
        clock.now = opened + timedelta(seconds=rng.randint(20, 1800))
        handoffs.record_human_reply(handoff.id)
        if rng.random() < 0.9:
            clock.now += timedelta(seconds=rng.randint(60, 3600))
            handoffs.resolve(handoff.id, by=agent, note="sorted")
            if rng.random() < 0.4:
                nps.record_score(sender, sender, channel, rng.choice((0, 3, 6, 7, 8, 9, 10, 10)))
    engine.dispose()
    return time.perf_counter() - began


def _fast_writes(connection: Any, _: Any) -> None:
    """SQLite settings for filling only: no fsync, journal in memory."""
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA journal_mode=MEMORY")


def timed(get: Callable[[str], Any], paths: List[str]) -> float:
    """Milliseconds to fetch every path in turn (each must answer 200)."""
    began = time.perf_counter()
    for path in paths:
        response = get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}: {response.text[:200]}")
    return (time.perf_counter() - began) * 1000


def percentile(values: List[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def main(argv: Optional[List[str]] = None) -> int:
    """Fill, then time the pages; exit 1 if a page's p95 is over the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--handoffs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--db-url", default="", help="default: a fresh SQLite file in a temporary folder")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    from starlette.testclient import TestClient

    from review_app.config import ReviewConfig
    from review_app.server import create_app

    with tempfile.TemporaryDirectory() as folder:
        url = args.db_url or f"sqlite:///{folder}/bench.db"
        seconds = fill(url, args.handoffs)
        print(f"Filled {args.handoffs} handoffs through HandoffStore in {seconds:.1f} s ({url.split('://')[0]}).", flush=True)
        config = ReviewConfig(database_url=url, tracker_database_url=f"sqlite:///{folder}/no-tracker.db",
                              secret_key="b" * 48, rasa_url="http://127.0.0.1:9", rasa_token="bench")
        app = create_app(config)
        app.state.services.users.create("bench", "lead", "bench password long")
        started = time.perf_counter()
        with TestClient(app, base_url="https://testserver") as client:
            startup = (time.perf_counter() - started) * 1000
            login = client.get("/login").text
            token = login.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            client.post("/login", data={"username": "bench", "password": "bench password long", "csrf_token": token},
                        follow_redirects=False)
            first = timed(client.get, ["/handoffs"])
            plots = [f"/metrics/{name}.svg" for name in ("by-channel", "by-reason", "time-to-human", "nps", "top-intents")]
            cold_plots = timed(client.get, plots)
            pages: Dict[str, List[str]] = {
                "handoff list (page 1)": ["/handoffs"],
                "handoff list (page 100)": ["/handoffs?page=100"],
                "handoff list (filtered)": ["/handoffs?channel=sms&status=resolved&reason=frustration"],
                **{f"search '{term}'": [f"/handoffs?q={term.replace(' ', '+')}"] for term in SEARCHES},
                "metrics page (HTML)": ["/metrics"],
                "metrics page + 5 plots": ["/metrics", *plots],
            }
            results = {}
            for name, paths in pages.items():
                samples = [timed(client.get, paths) for _ in range(args.repeat)]
                results[name] = {"p50_ms": round(statistics.median(samples), 1), "p95_ms": round(percentile(samples, 0.95), 1)}
        app.state.services.dispose()
    print(f"App start-up, indexing {args.handoffs} transcripts for search once: {startup:.0f} ms")
    print(f"First list request: {first:.0f} ms")
    print(f"Metrics plots drawn cold (5 SVGs, then cached by their data): {cold_plots:.0f} ms")
    print(f"{'page':34} {'p50 ms':>8} {'p95 ms':>8}  (target p95 < {TARGET_MS:.0f} ms, {args.repeat} requests each)")
    for name, figures in results.items():
        flag = "" if figures["p95_ms"] < TARGET_MS else "  OVER TARGET"
        print(f"{name:34} {figures['p50_ms']:8.1f} {figures['p95_ms']:8.1f}{flag}")
    if args.json:
        args.json.write_text(json.dumps({"handoffs": args.handoffs, "fill_seconds": round(seconds, 1),
                                         "startup_ms": round(startup), "first_request_ms": round(first), "cold_plots_ms": round(cold_plots),
                                         "pages": results}, indent=2))
    return 0 if all(figures["p95_ms"] < TARGET_MS for figures in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
