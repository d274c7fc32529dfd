"""Tests for bot/nlu/emoji_words.py: emoji read as words for the encoder, other text untouched."""

from __future__ import annotations

import pytest

from bot.nlu.emoji_words import EMOJI_WORDS, words_for_emoji


@pytest.mark.parametrize(
    ("text", "readable"),
    [
        ("👍", "ok"),
        ("😡😡😡", "angry angry angry"),
        ("thanks!! 🙏🙏", "thanks!! thank you thank you"),
        ("where is my 📦??", "where is my package ??"),
        ("hey👋", "hey hi"),
    ],
)
def test_listed_emoji_become_words_apart_from_their_neighbours(text: str, readable: str) -> None:
    assert words_for_emoji(text) == readable


@pytest.mark.parametrize("text", ["👍🏽", "👍🏿", "❤️", "❤"])
def test_skin_tones_and_variation_selectors_do_not_hide_an_emoji(text: str) -> None:
    assert words_for_emoji(text) == EMOJI_WORDS[text[0]]


@pytest.mark.parametrize("text", ["🦄", "🙁", "🤔", "🙄🙄", "😂", "⁉️", "🙂\u200d↔️", "👨\u200d👩\u200d👧", "🇬🇧"])
def test_unlisted_emoji_alone_read_as_blank(text: str) -> None:
    assert words_for_emoji(text) == ""


def test_a_keycap_reads_as_its_digit() -> None:
    assert words_for_emoji("order 2️⃣ items 👍") == "order 2 items ok"


def test_unlisted_emoji_in_a_sentence_leave_the_words() -> None:
    assert words_for_emoji("my blender arrived broken 🙁") == "my blender arrived broken"


@pytest.mark.parametrize(
    "text",
    [
        "", "  where  is my order #55213?  ", "WHERE IS MY ORDER", "café crème, 20% off?", ":) :(", "naïve — “quoted”",
        "Rating: ★★☆☆☆ awful", "✓ paid ✗ shipped", "⌀ 20 cm ➔ 30 cm", "  © 2024,  ® ™ 20°C £5 €5 → ←  ", "注文はどこですか", "नमस्ते",
    ],
)
def test_text_without_emoji_comes_back_unchanged(text: str) -> None:
    assert words_for_emoji(text) == text


def test_the_version_changes_with_the_table_so_models_retrain() -> None:
    """The version is derived from the table (and the reading rules), never bumped by hand."""
    import hashlib

    import emoji

    from bot.nlu.emoji_words import EMOJI_WORDS_VERSION, READING_RULES

    assert EMOJI_WORDS_VERSION == hashlib.sha256(
        f"{sorted(EMOJI_WORDS.items())}|{READING_RULES}|{emoji.__version__}".encode("utf-8")
    ).hexdigest()[:12]


def test_every_listed_emoji_reads_as_plain_lower_case_words_or_a_mark() -> None:
    for emoji, words in EMOJI_WORDS.items():
        assert words in {"?", "!"} or words.replace(" ", "").isalpha() and words == words.lower(), (emoji, words)
