"""Tests for bot/shop/orders.py: order ids as customers type them, and plain status answers."""

from __future__ import annotations

from datetime import date
from typing import List, Optional

import pytest

from bot.services import SHOP_DATA
from bot.services import SHOP_DATA
from bot.shop.company_policies import PolicyBook
from bot.shop.orders import (
    RETURN_WINDOW_DAYS,
    says_not_received,
    Order, YamlOrderBook, find_order_id_in_text, first_known_order_id, looks_like_order_id, normalise_order_id,
    order_id_candidates,
)
from tests.builders import EMOJI_ONLY_TEXT, LONG_TEXT


@pytest.fixture(scope="module")
def book() -> YamlOrderBook:
    """The shop's stand-in order file."""
    return YamlOrderBook.from_yaml(SHOP_DATA / "orders.yml")


def order(status: str, **overrides: Optional[str]) -> Order:
    """An order with plain defaults."""
    values: dict = dict(id="55213", status=status, items=("Aura Mini", "Volt Power Bank"), placed="2026-11-23")
    values.update(overrides)
    return Order(**values)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [("#55213", "55213"), (" a-10442. ", "A-10442"), ("ord-7781!", "ORD-7781"), ("A 10442", "A10442"), ("", "")],
)
def test_normalise_order_id(raw: str, normalised: str) -> None:
    assert normalise_order_id(raw) == normalised


@pytest.mark.parametrize("raw", ["#55213", "A-10442", "ord-7781", "00123842", "113542617735902"])
def test_order_id_shapes_are_recognised(raw: str) -> None:
    assert looks_like_order_id(raw) is True


@pytest.mark.parametrize("raw", ["", "#", "123", "abc", "ABCDE-12345", "1" * 21, "55213x", EMOJI_ONLY_TEXT])
def test_malformed_order_ids_are_not(raw: str) -> None:
    assert looks_like_order_id(raw) is False


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("order #55213 pls", "55213"),
        ("where is a-10442?", "A-10442"),
        ("Order ORD-7781, thanks", "ORD-7781"),
        ("my order 00123842 hasn't come", "00123842"),
        ("it cost 99 pounds", None),
        ("", None),
        (EMOJI_ONLY_TEXT, None),
        (LONG_TEXT, None),
    ],
    ids=["hash", "lower-prefix", "comma", "leading-zeros", "short-number", "empty", "emoji-only", "20kB"],
)
def test_find_order_id_in_free_text(text: str, found: Optional[str]) -> None:
    assert find_order_id_in_text(text) == found


@pytest.mark.parametrize("typed", ["55213", "#55213", "A10442", "a-10442", "a 10442", "ord7781"])
def test_order_book_ignores_case_hash_spaces_and_dashes(book: YamlOrderBook, typed: str) -> None:
    assert book.find(typed) is not None


def test_order_book_returns_none_for_unknown_ids(book: YamlOrderBook) -> None:
    assert book.find("99999") is None
    assert book.find("") is None


def test_order_book_loads_every_field(book: YamlOrderBook) -> None:
    delayed = book.find("A-10977")

    assert delayed is not None
    assert delayed.items == ("Brew Master Coffee Maker",)
    assert (delayed.carrier, delayed.tracking, delayed.eta) == ("Royal Mail", "RM778812345GB", "2026-12-01")


def test_only_processing_orders_can_be_cancelled() -> None:
    assert order("processing").can_be_cancelled is True
    for status in ("shipped", "out_for_delivery", "delivered", "delayed", "cancelled"):
        assert order(status).can_be_cancelled is False


@pytest.mark.parametrize(
    ("status", "fields", "expected"),
    [
        ("processing", {"eta": "2026-11-29"}, "is being packed and should arrive by 2026-11-29."),
        (
            "shipped",
            {"carrier": "DPD", "eta": "2026-11-27", "tracking": "T1"},
            "on its way with DPD, arriving by 2026-11-27. Tracking number: T1.",
        ),
        ("out_for_delivery", {"carrier": "DPD", "eta": "today"}, "is out for delivery with DPD: today."),
        ("delivered", {"delivered": "2026-11-06"}, "was delivered on 2026-11-06."),
        ("delayed", {"eta": "2026-12-01"}, "late: the carrier is behind. The new estimate is 2026-12-01. Sorry"),
        ("cancelled", {}, "was cancelled. Refund: in progress."),
        ("lost_in_space", {}, "has status 'lost_in_space'."),
    ],
)
def test_describe_says_where_the_order_is(status: str, fields: dict, expected: str) -> None:
    text = order(status, **fields).describe()

    assert text.startswith("Order 55213 (Aura Mini, Volt Power Bank)")
    assert expected in text


def test_tracking_is_not_shown_for_delivered_orders() -> None:
    assert "Tracking" not in order("delivered", delivered="2026-11-06", tracking="T1").describe()


@pytest.mark.parametrize("status", ["processing", "shipped", "delayed"])
def test_an_estimate_before_today_is_called_late(status: str) -> None:
    late = order(status, eta="2026-11-29", carrier="DPD")

    assert late.is_overdue(date(2026, 11, 30)) is True
    assert "has passed" in late.describe(date(2026, 11, 30))
    assert 'Say "talk to a person"' in late.describe(date(2026, 11, 30))
    assert late.is_overdue(date(2026, 11, 29)) is False
    assert "passed" not in late.describe(date(2026, 11, 29))


@pytest.mark.parametrize(
    ("status", "eta"),
    [("out_for_delivery", "2026-11-01"), ("delivered", "2026-11-01"), ("processing", "today before 6 pm"), ("processing", None)],
)
def test_only_dated_estimates_of_orders_still_on_their_way_can_be_late(status: str, eta: Optional[str]) -> None:
    assert order(status, eta=eta).is_overdue(date(2026, 12, 7)) is False


def test_without_a_date_the_answer_makes_no_claim_about_lateness() -> None:
    assert "passed" not in order("processing", eta="2026-11-29").describe()


def test_a_delayed_order_whose_new_estimate_lapsed_says_so_without_repeating_itself() -> None:
    text = order("delayed", eta="2026-12-01").describe(date(2026, 12, 7))

    assert "The new estimate is 2026-12-01. Sorry about that. That new date has passed too, sorry." in text


@pytest.mark.parametrize(
    ("entities", "text", "expected"),
    [
        (["10977"], "order A 10977", ["10977", "A10977"]),
        ([], "ord 7781 please", ["7781", "ORD7781"]),
        (["#55213"], "MY ORDER IS 55213", ["55213", "IS55213"]),
        (["abc"], "where is it", []),
    ],
)
def test_order_id_candidates_most_likely_first(entities: List[str], text: str, expected: List[str]) -> None:
    assert order_id_candidates(entities, text) == expected


def test_the_first_candidate_the_book_knows_wins(book: YamlOrderBook) -> None:
    assert first_known_order_id(["10977", "A10977"], book) == "A10977"
    assert first_known_order_id(["55213", "IS55213"], book) == "55213"
    assert first_known_order_id(["99999", "IS99999"], book) == "99999"
    assert first_known_order_id([], book) is None


def test_the_return_window_is_the_one_the_returns_policy_states() -> None:
    """Refund answers quote RETURN_WINDOW_DAYS; data/shop/policies.yml tells customers the same."""
    returns = PolicyBook.from_yaml(SHOP_DATA / "policies.yml").get("returns")
    assert returns is not None and f"within {RETURN_WINDOW_DAYS} days of delivery" in returns.can


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("says delivered but I never received it", True),
        ("it didn't arrive", True),
        ("I did not get the parcel", True),
        ("it says delivered but it's not here", True),
        ("has it arrived?", False),
        ("it was delivered fine, thanks", False),
        ("where is my order", False),
    ],
)
def test_says_not_received(text: str, says: bool) -> None:
    assert says_not_received(text) is says
