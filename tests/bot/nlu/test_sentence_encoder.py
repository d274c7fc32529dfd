"""Tests for bot/nlu/sentence_encoder.py on the real int8 ONNX model and tokenizer."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.nlu.emoji_words import EMOJI_WORDS_VERSION
from bot.nlu.sentence_encoder import (
    EMBEDDING_DIMENSIONS,
    ENCODED_AHEAD,
    ModelFileMismatch,
    SentenceEncoder,
    model_file,
    shared_encoder,
)


def cosine(encoder: SentenceEncoder, first: str, second: str) -> float:
    """Cosine similarity of two texts (the rows are unit length)."""
    vectors = encoder.encode([first, second])
    return float(vectors[0] @ vectors[1])


def test_each_text_becomes_one_unit_length_row_of_384() -> None:
    vectors = shared_encoder().encode(["where is my parcel", "hi", "refund please, the lamp arrived broken"])
    assert vectors.shape == (3, EMBEDDING_DIMENSIONS) == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_paraphrases_are_closer_than_unrelated_requests() -> None:
    encoder = shared_encoder()
    paraphrase = cosine(encoder, "where is my order", "my parcel still hasn't arrived")
    unrelated = cosine(encoder, "where is my order", "what's a good recipe for lasagne")
    assert paraphrase > unrelated + 0.2


def test_blank_texts_get_zero_rows_and_the_others_keep_their_places() -> None:
    encoder = shared_encoder()
    vectors = encoder.encode(["", "hello there", "   ", "\n"])
    assert not vectors[[0, 2, 3]].any()
    np.testing.assert_allclose(vectors[1], encoder.encode(["hello there"])[0], atol=1e-5)


def test_a_text_gets_the_same_row_whatever_it_is_encoded_with() -> None:
    encoder = shared_encoder()
    texts = ["cancel my order", "a much longer message about a delivery that went to the wrong address", "ok"]
    together = encoder.encode(texts)
    alone = np.vstack([encoder.encode([text]) for text in texts])
    np.testing.assert_array_equal(together, alone)


def test_a_row_encoded_ahead_is_taken_for_its_own_text_only() -> None:
    encoder = shared_encoder()
    marked = np.full(EMBEDDING_DIMENSIONS, 0.5, dtype=np.float32)
    token = ENCODED_AHEAD.set(("where is my parcel", marked))
    try:
        ahead, other = encoder.encode(["where is my parcel", "hi"])
    finally:
        ENCODED_AHEAD.reset(token)
    np.testing.assert_array_equal(ahead, marked)
    np.testing.assert_array_equal(other, encoder.encode(["hi"])[0])
    assert not np.array_equal(encoder.encode(["where is my parcel"])[0], marked)


def test_emoji_are_read_as_the_words_they_stand_for() -> None:
    """The vocabulary has no emoji: without the table every emoji was the same unknown token."""
    encoder = shared_encoder()
    angry, thumbs_up, unknown = encoder.encode(["😡", "👍", "🦄"])
    np.testing.assert_array_equal(angry, encoder.encode(["angry"])[0])
    np.testing.assert_array_equal(thumbs_up, encoder.encode(["ok"])[0])
    assert float(angry @ thumbs_up) < 0.6
    assert not unknown.any()
    np.testing.assert_array_equal(encoder.encode(["refund please 🙏"])[0], encoder.encode(["refund please thank you"])[0])


def test_the_identity_names_the_emoji_table_so_models_retrain_when_it_changes() -> None:
    assert shared_encoder().identity.endswith(f"+emoji-words-{EMOJI_WORDS_VERSION}")


def test_no_text_at_all_gives_an_empty_matrix() -> None:
    assert shared_encoder().encode([]).shape == (0, EMBEDDING_DIMENSIONS)


def test_a_different_model_file_is_refused(tmp_path: Path) -> None:
    tampered = tmp_path / "model.onnx"
    shutil.copy(model_file(), tampered)
    with tampered.open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelFileMismatch, match="sha256"):
        SentenceEncoder(tampered)
