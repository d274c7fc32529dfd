"""Handoff search ignores case and accents in every script, on SQLite and on PostgreSQL alike
(review_app/handoffs/folding.py, used by the word index of review_app/handoffs/digest.py)."""

from __future__ import annotations

import sys
import unicodedata
from typing import Dict, Iterator, List

import pytest
from sqlalchemy.engine import Engine

from bot.handoff.store import HandoffStore
from bot.records.database import create_database_engine
from bot.records.schema_migrations import create_schema
from review_app.handoffs.digest import HandoffDigests
from review_app.handoffs.folding import fold_case_and_accents
from review_app.handoffs.queries import HandoffFilter, HandoffQueries
from tests.builders import ManualClock
from tests.review_app.sample_conversations import frustrated_conversation, open_handoff

# Conversation id -> (customer's name, what the customer wrote last); opened a minute apart in this order.
SAID = {
    "diaeresis": ("diaeresis", "Zoë here, the CAFÉ machine is late"),
    "decomposed": ("decomposed", "ZOE\u0308 AGAIN"),
    "eszett": ("eszett", "deliver to Straße 5 please"),
    "greek": ("greek", "ΟΔΥΣΣΕΥΣ ΠΑΠΑΔΟΠΟΥΛΟΣ"),
    "accented-name": ("Renée Dupont", "the kettle leaks"),
    "plain": ("plain", "cafeteria order missing"),
}


@pytest.fixture
def searchable(empty_database_url: str, clock: ManualClock) -> Iterator[Engine]:
    """An engine on a new database (SQLite, then PostgreSQL) holding the handoffs of `SAID`, digested."""
    engine = create_database_engine(empty_database_url)
    create_schema(engine)
    store = HandoffStore(engine, clock)
    for sender, (name, last) in SAID.items():
        clock.advance(minutes=1)
        open_handoff(store, sender, frustrated_conversation(clock.now, last=last), customer_name=name)
    HandoffDigests(engine).sync()
    yield engine
    engine.dispose()


def found(engine: Engine, search: str) -> List[str]:
    """Conversation ids of the handoffs a search finds, sorted."""
    return sorted(handoff.conversation_id for handoff in HandoffQueries(engine).rows(HandoffFilter(search=search)))


@pytest.mark.parametrize("search, expected", [
    ("zoe", ["decomposed", "diaeresis"]),
    ("ZOË", ["decomposed", "diaeresis"]),
    ("Zoe\u0308", ["decomposed", "diaeresis"]),
    ("cafe", ["diaeresis", "plain"]),
    ("CAFE machine", ["diaeresis"]),
    ("café", ["diaeresis", "plain"]),
    ("ＣＡＦＥ", ["diaeresis", "plain"]),
    ("caf", ["diaeresis", "plain"]),
    ("cafet", ["plain"]),
    ("strasse", ["eszett"]),
    ("STRASSE", ["eszett"]),
    ("Straße", ["eszett"]),
    ("straß", ["eszett"]),
    ("οδυσσεύς", ["greek"]),
    ("Οδυσσευς παπαδοπουλος", ["greek"]),
    ("renee", ["accented-name"]),
    ("RENÉE kettle", ["accented-name"]),
    ("zoe kettle", []),
])
def test_search_folds_case_and_accents(searchable: Engine, search: str, expected: List[str]) -> None:
    assert found(searchable, search) == expected


def test_folded_search_keeps_the_other_filters_and_the_counts(searchable: Engine) -> None:
    page = HandoffQueries(searchable).page(HandoffFilter(search="CAFE", status="open"), per_page=1)
    assert (page.total, page.pages, page.status_counts) == (2, 2, {"open": 2, "claimed": 0, "resolved": 0})
    assert [handoff.conversation_id for handoff in page.rows] == ["plain"]


@pytest.mark.parametrize("typed, folded", [
    ("Zoë", "zoe"), ("ZOE\u0308", "zoe"), ("CAFÉ", "cafe"), ("Straße", "strasse"), ("ΟΔΥΣΣΕΥΣ", "οδυσσευσ"),
    ("ＣＡＦＥ", "cafe"), ("ﬁne", "fine"), ("İstanbul", "istanbul"), ("Ǆemal", "dzemal"), ("한국어", "한국어"),
])
def test_folding(typed: str, folded: str) -> None:
    assert fold_case_and_accents(typed) == folded


def test_every_folded_character_folds_to_itself() -> None:
    characters = (chr(point) for point in range(sys.maxunicode + 1) if unicodedata.category(chr(point)) != "Cs")
    unstable: Dict[str, str] = {}
    for character in characters:
        folded = fold_case_and_accents(character)
        if fold_case_and_accents(folded) != folded or folded.casefold() != folded:
            unstable[character] = folded
    assert unstable == {}
