"""Tests for review_app/handoffs/digest.py: each handoff digested once, searchable text, intents."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from review_app.handoffs.digest import (
    HandoffDigests, digest_transcript, handoff_digests_table, handoff_intents_table, handoff_terms_table, search_terms,
)
from bot.handoff.store import HandoffStore
from bot.records.database import create_database_engine
from bot.records.tables import load_table_definitions
from tests.builders import WEDNESDAY_NOON, ManualClock
from tests.pre_migration_store import build_pre_migration_store
from tests.review_app.sample_conversations import frustrated_conversation, open_handoff, records


def test_digest_holds_each_word_once_and_the_customer_intents() -> None:
    transcript = records(frustrated_conversation(WEDNESDAY_NOON, last="WHERE  is\nit, Ünïcode_ok?"))
    digest = digest_transcript(transcript, "H-1")
    assert digest.terms == (
        "where", "is", "my", "order", "113542617735902", "packed", "and", "leaves", "today", "it", "unicode_ok",
        "handing", "you", "over", "to", "person", "on", "our", "team", "now",
    )
    assert digest.intents == ("order_status",) and digest.customer_messages == 2


def test_search_terms() -> None:
    assert search_terms("Call 07700 900123, or mail SAM@example.com!! a " + "x" * 50) == [
        "call", "07700", "900123", "or", "mail", "sam", "example", "com", "x" * 40,
    ]


def test_sync_digests_new_handoffs_once(engine: Engine, clock: ManualClock) -> None:
    store = HandoffStore(engine, clock)
    digests = HandoffDigests(engine, batch_size=2)
    for index in range(5):
        open_handoff(store, f"c{index}", frustrated_conversation(WEDNESDAY_NOON))
    assert digests.sync() == 5
    assert digests.sync() == 0
    open_handoff(store, "c9", frustrated_conversation(WEDNESDAY_NOON))
    assert digests.sync() == 1
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(handoff_digests_table)).scalar() == 6
        assert set(connection.execute(sa.select(handoff_intents_table.c.intent)).scalars()) == {"order_status"}
        terms = connection.execute(sa.select(sa.func.count()).select_from(handoff_terms_table)).scalar()
    assert terms == 6 * len(digest_transcript(records(frustrated_conversation(WEDNESDAY_NOON))).terms) + 6 * 2


def test_a_second_process_digesting_the_same_handoffs_does_not_fail(engine: Engine, clock: ManualClock) -> None:
    store = HandoffStore(engine, clock)
    open_handoff(store, "c1", frustrated_conversation(WEDNESDAY_NOON))
    first, second = HandoffDigests(engine), HandoffDigests(engine)
    batch = first._undigested()
    assert second.sync() == 1
    assert first._store(batch) == 0



def sync_error_within(digests: HandoffDigests, seconds: float) -> Optional[BaseException]:
    """Run `digests.sync()` in a thread; its error (None if it succeeded), failing the test if it
    is still running after `seconds` (a daemon thread, so a regression cannot hang the suite)."""
    outcome: List[BaseException] = []

    def run_sync() -> None:
        try:
            digests.sync()
        except BaseException as error:  # handed to the test thread
            outcome.append(error)

    worker = threading.Thread(target=run_sync, daemon=True)
    worker.start()
    worker.join(timeout=seconds)
    assert not worker.is_alive(), f"HandoffDigests.sync is still retrying after {seconds} s"
    return outcome[0] if outcome else None


def test_sync_on_an_old_digest_table_fails_instead_of_retrying_forever(tmp_path: Path) -> None:
    # The state `make run` hung in: an old var/ database (digests with a NOT NULL search_text
    # column) plus the tables today's code adds. Every digest insert fails there; sync used to
    # skip the failed handoffs and select them again, forever.
    engine = create_database_engine(build_pre_migration_store(tmp_path / "old.db"))
    load_table_definitions().create_all(engine)

    error = sync_error_within(HandoffDigests(engine), seconds=10)

    assert isinstance(error, IntegrityError) and "handoff_digests.search_text" in str(error)
    engine.dispose()


def test_a_digest_that_cannot_be_stored_is_reported_not_skipped(engine: Engine, clock: ManualClock) -> None:
    open_handoff(HandoffStore(engine, clock), "c1", frustrated_conversation(WEDNESDAY_NOON))
    digests = HandoffDigests(engine)
    handoff_id = digests._undigested()[0][0]
    with engine.begin() as connection:  # a stray word row: every insert of this digest now fails
        connection.execute(handoff_terms_table.insert(), [{"term": "where", "handoff_id": handoff_id}])

    assert isinstance(sync_error_within(digests, seconds=10), IntegrityError)
