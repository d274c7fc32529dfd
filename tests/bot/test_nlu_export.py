"""Tests for bot/nlu_export.py: the YAML is Rasa training data a trainer can paste into data/nlu/."""

from __future__ import annotations

from datetime import datetime, timezone

from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from bot.conversation_queries import MisunderstoodMessage
from bot.nlu_export import candidate_nlu_yaml

EXPORTED = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def message(text: str, guess: str = None, confidence: float = 0.2) -> MisunderstoodMessage:
    """A misunderstood customer message."""
    return MisunderstoodMessage("c1", text, "nlu_fallback", guess, confidence)


def test_examples_grouped_by_best_guess_deduplicated_and_masked() -> None:
    text = candidate_nlu_yaml([
        message("where  is\nmy parcel mate", "order_status", 0.31),
        message("WHERE IS MY PARCEL MATE", "order_status"),
        message("ring me on 07700 900123", "contact", 0.12),
        message("blorp", None),
        message("   "),
        message("weird", "bad name: x"),
    ], EXPORTED)
    data = RasaYAMLReader().reads(text)
    assert sorted((m.get("intent"), m.get("text")) for m in data.intent_examples) == [
        ("contact", "ring me on [phone]"), ("order_status", "where is my parcel mate"),
        ("out_of_scope", "blorp"), ("out_of_scope", "weird"),
    ]
    assert "# order_status: 1 example(s), lowest confidence 0.20" in text
    assert "exported 2026-11-25 12:00 UTC" in text


def test_raw_keeps_personal_data_and_empty_export_is_valid() -> None:
    assert "07700 900123" in candidate_nlu_yaml([message("ring me on 07700 900123", "contact")], EXPORTED, mask=False)
    empty = candidate_nlu_yaml([], EXPORTED)
    assert RasaYAMLReader().reads(empty).intent_examples == []
