"""Tests for bot/nlu/frustration_corpus.py and the training files in data/frustration."""

from __future__ import annotations

from rasa.shared.nlu.training_data.loading import load_data

from bot.nlu.frustration_corpus import (
    NLU_FRUSTRATED_GROUP,
    NLU_GROUP,
    frustrated_nlu_texts,
    goemotions_examples,
    in_domain_examples,
    nlu_examples,
)
from bot.settings import REPO_ROOT


def test_at_least_300_frustrated_examples_of_our_own_in_categories_of_30_or_more() -> None:
    frustrated = [example for example in in_domain_examples() if example.frustrated]
    per_category: dict[str, int] = {}
    for example in frustrated:
        per_category[example.group] = per_category.get(example.group, 0) + 1

    assert len(frustrated) >= 300
    assert min(per_category.values()) >= 30, per_category


def test_no_text_is_both_frustrated_and_calm() -> None:
    examples = in_domain_examples()
    frustrated = {example.text.lower() for example in examples if example.frustrated}
    calm = {example.text.lower() for example in examples if not example.frustrated}

    assert frustrated & calm == set()


def test_every_nlu_example_marked_frustrated_is_in_the_nlu_data() -> None:
    nlu_texts = {message.get("text") for message in load_data(str(REPO_ROOT / "data" / "nlu")).intent_examples}

    assert frustrated_nlu_texts() - nlu_texts == set()


def test_nlu_examples_are_calm_unless_marked_and_possibly_angry_intents_are_left_out() -> None:
    pairs = [
        ("where is my order", "order_status"),
        ("i want to make a complaint", "complaint"),
        ("get me a person", "request_human"),
        ("i am fuming", "complaint"),
    ]

    examples = nlu_examples(pairs, frozenset({"i am fuming"}))

    assert [(e.text, e.frustrated, e.group) for e in examples] == [
        ("where is my order", False, NLU_GROUP),
        ("i am fuming", True, NLU_FRUSTRATED_GROUP),
    ]


def test_the_shipped_goemotions_copy_has_both_labels() -> None:
    examples = goemotions_examples()
    positives = sum(example.frustrated for example in examples)

    assert len(examples) > 30_000
    assert 0 < positives < len(examples) / 2
    assert not any(example.in_domain for example in examples)
