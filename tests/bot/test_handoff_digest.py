"""Tests for bot/handoff_digest.py: each handoff digested once, searchable text, intents."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.handoff_digest import (
    HandoffDigests, digest_transcript, handoff_digests_table, handoff_intents_table, handoff_terms_table, search_terms,
)
from bot.handoff_store import HandoffStore
from tests.builders import WEDNESDAY_NOON, ManualClock
from tests.review_app.conversations import frustrated_conversation, open_handoff, records


def test_digest_holds_each_word_once_and_the_customer_intents() -> None:
    transcript = records(frustrated_conversation(WEDNESDAY_NOON, last="WHERE  is\nit, Ünïcode_ok?"))
    digest = digest_transcript(transcript, "H-1")
    assert digest.terms == (
        "where", "is", "my", "order", "113542617735902", "packed", "and", "leaves", "today", "it", "ünïcode_ok",
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
