"""Tests for bot/records/ticket_store.py on a real SQLite file."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.engine import Engine

from bot.records.ticket_store import TicketStore
from tests.builders import LONG_TEXT, WEDNESDAY_NOON, ManualClock


@pytest.fixture
def store(engine: Engine, clock: ManualClock) -> TicketStore:
    """A ticket store on the test database and clock."""
    return TicketStore(engine, clock)


def test_logged_complaint_gets_a_readable_reference_and_is_stored(store: TicketStore) -> None:
    ticket = store.log("c-1", "whatsapp", "The lamp flickers", product="Lumen Desk Lamp", order_id="55213")

    assert re.fullmatch(r"CS-[A-HJ-NP-Z2-9]{6}", ticket.reference)
    assert store.get(ticket.reference) == ticket
    assert ticket.created_at == WEDNESDAY_NOON


def test_product_and_order_are_optional(store: TicketStore) -> None:
    ticket = store.log("c-1", "rest", "You are all useless")

    stored = store.get(ticket.reference)
    assert (stored.product, stored.order_id) == (None, None)


def test_every_complaint_gets_its_own_reference(store: TicketStore) -> None:
    references = {store.log("c-1", "rest", f"complaint {n}").reference for n in range(20)}

    assert len(references) == 20


def test_complaint_text_is_kept_word_for_word(store: TicketStore) -> None:
    text = "😡 " + LONG_TEXT + " ünïcödé"

    assert store.get(store.log("c-1", "rest", text).reference).text == text


def test_unknown_reference_raises_key_error(store: TicketStore) -> None:
    with pytest.raises(KeyError, match="CS-NOPE"):
        store.get("CS-NOPE")
