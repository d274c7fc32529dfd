"""Tests for bot/shop/company_policies.py: finding the policy a question is about."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services import SHOP_DATA
from bot.shop.company_policies import Policy, PolicyBook
from tests.builders import EMOJI_ONLY_TEXT, LONG_TEXT


@pytest.fixture(scope="module")
def book() -> PolicyBook:
    """The shop's real policy file."""
    return PolicyBook.from_yaml(SHOP_DATA / "policies.yml")


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Can I return my speaker?", "returns"),
        ("I want my money back", "refunds"),
        ("Do you ship to Canada?", "shipping"),
        ("Is there a cancellation fee?", "cancellation"),
        ("What do you do with my personal data", "privacy"),
        ("my watch stopped working, is it under warranty", "warranty"),
        ("Can I send it back", "returns"),
    ],
)
def test_question_finds_its_policy(book: PolicyBook, question: str, topic: str) -> None:
    policy = book.find_for_question(question)

    assert policy is not None and policy.topic == topic


def test_longest_keyword_wins(book: PolicyBook) -> None:
    # "fee" is cancellation, but "delivery cost" (longer) is shipping.
    policy = book.find_for_question("what is the delivery cost and is there a fee")

    assert policy is not None and policy.topic == "shipping"


def test_keywords_match_whole_words_only(book: PolicyBook) -> None:
    # "shipping" is a keyword, "relationship" must not match "ship".
    assert book.find_for_question("how is our relationship going") is None


@pytest.mark.parametrize(
    "question", ["hello", "", EMOJI_ONLY_TEXT, LONG_TEXT], ids=["hello", "empty", "emoji-only", "20kB"]
)
def test_questions_without_keywords_find_nothing(book: PolicyBook, question: str) -> None:
    assert book.find_for_question(question) is None


def test_explain_states_what_we_can_and_cannot_do() -> None:
    policy = Policy("returns", "Returns", ("return",), "Free within 30 days.", "No opened earbud tips.")

    assert policy.explain() == "Returns: Free within 30 days. What we can't do: No opened earbud tips."


def test_get_and_topics(book: PolicyBook) -> None:
    refunds = book.get("refunds")

    assert refunds is not None and refunds.title == "Refunds"
    assert book.get("unknown") is None
    assert book.topics()[:2] == ("returns", "refunds")


def test_every_policy_says_what_we_cannot_do(book: PolicyBook) -> None:
    for policy in book.policies.values():
        assert policy.can and policy.cannot and policy.keywords


def test_missing_or_empty_policies_section_gives_an_empty_book(tmp_path: Path) -> None:
    path = tmp_path / "policies.yml"
    path.write_text("policies:\n", encoding="utf-8")

    assert PolicyBook.from_yaml(path).find_for_question("refund") is None
