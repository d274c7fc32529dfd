"""Splitting long replies at paragraph, line and sentence boundaries within each platform's limit."""

from __future__ import annotations

import re

import pytest

from channels.markdown import to_slack_mrkdwn, to_telegram_html
from channels.splitting import split_rendered, split_text, utf16_length

PARAGRAPHS = "\n\n".join(
    " ".join(f"Sentence {p}.{s} explains one more thing about refunds and deliveries." for s in range(30))
    for p in range(6)
)


def _words(text: str):
    return re.findall(r"\S+", text)


@pytest.mark.parametrize("limit", [4096, 3000, 1600, 500, 80])
def test_pieces_fit_the_limit_and_keep_every_word(limit: int):
    pieces = split_text(PARAGRAPHS, limit)
    assert all(len(piece) <= limit for piece in pieces)
    assert [w for piece in pieces for w in _words(piece)] == _words(PARAGRAPHS)


def test_short_text_is_one_piece():
    assert split_text("  Your order is on its way.  ", 4096) == ["Your order is on its way."]


def test_prefers_paragraph_then_sentence_boundaries():
    text = "First paragraph is here.\n\nSecond paragraph. It has two sentences."
    assert split_text(text, 45) == ["First paragraph is here.", "Second paragraph. It has two sentences."]
    assert split_text("One sentence here. Another sentence there.", 30) == [
        "One sentence here.",
        "Another sentence there.",
    ]


def test_never_cuts_inside_a_word_when_there_is_a_space():
    text = "supercalifragilistic " * 20
    pieces = split_text(text, 50)
    assert all(piece.split() and all(w == "supercalifragilistic" for w in piece.split()) for piece in pieces)


def test_a_single_overlong_word_is_the_only_thing_cut():
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_utf16_measure_counts_emoji_as_two():
    pieces = split_text("😀 " * 3000, 4096, utf16_length)
    assert all(utf16_length(piece) <= 4096 for piece in pieces)
    assert len(pieces) == 3


def test_rendering_that_grows_the_text_is_split_again():
    text = "Fish & chips & peas " * 400
    pieces = split_rendered(text, 3000, to_slack_mrkdwn)
    assert all(len(piece) <= 3000 for piece in pieces)
    assert "".join(pieces).count("&amp;") == 800


def test_rendered_telegram_pieces_stay_well_formed():
    text = "**Important:** read this. " * 400
    pieces = split_rendered(text, 4096, to_telegram_html, utf16_length)
    assert all(utf16_length(piece) <= 4096 for piece in pieces)
    assert all(piece.count("<b>") == piece.count("</b>") for piece in pieces)


def test_limit_must_be_positive():
    with pytest.raises(ValueError):
        split_text("text", 0)
