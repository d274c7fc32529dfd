"""Tests for review_app/exports/nlu_examples.py: valid Rasa NLU YAML whose examples all wait under placeholder
intents named after the bot's guess, never under the guess itself."""

from __future__ import annotations

from datetime import datetime, timezone

from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from review_app.conversations.queries import MisunderstoodMessage
from review_app.exports.nlu_examples import candidate_nlu_yaml

EXPORTED = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def message(text: str, guess: str = None, confidence: float = 0.2) -> MisunderstoodMessage:
    """A misunderstood customer message."""
    return MisunderstoodMessage("c1", text, "nlu_fallback", guess, confidence)


def test_examples_wait_under_placeholders_named_after_the_guess_deduplicated_and_masked() -> None:
    text = candidate_nlu_yaml([
        message("where  is\nmy parcel mate", "order_status", 0.31),
        message("WHERE IS MY PARCEL MATE", "order_status"),
        message("ring me on 07700 900123", "contact", 0.12),
        message("blorp", None),
        message("   "),
        message("weird", "bad name: x"),
        message("asdf jkl", "affirm", 0.4),
    ], EXPORTED)
    data = RasaYAMLReader().reads(text)
    assert sorted((m.get("intent"), m.get("text")) for m in data.intent_examples) == [
        ("choose_intent__affirm_guess", "asdf jkl"), ("choose_intent__contact_guess", "ring me on [phone]"),
        ("choose_intent__order_status_guess", "where is my parcel mate"),
        ("choose_intent__unguessed", "blorp"), ("choose_intent__unguessed", "weird"),
    ]
    assert "# the bot leaned to order_status: 1 example(s), lowest confidence 0.20" in text
    assert "# the bot had no guess: 2 example(s), lowest confidence 0.20" in text
    assert "exported 2026-11-25 12:00 UTC" in text and "NOT training data yet" in text
    assert "- intent: affirm" not in text and "- intent: order_status" not in text


def test_raw_keeps_personal_data_and_empty_export_is_valid() -> None:
    assert "07700 900123" in candidate_nlu_yaml([message("ring me on 07700 900123", "contact")], EXPORTED, mask=False)
    empty = candidate_nlu_yaml([], EXPORTED)
    assert RasaYAMLReader().reads(empty).intent_examples == []
