"""Made-up frustration corpora and a stand-in sentence embedding for tests of the frustration model and its benches."""

from __future__ import annotations

import zlib
from typing import Sequence

import numpy as np

from bot.nlu.frustration_corpus import LabelledText
from bot.nlu.sentence_encoder import EMBEDDING_DIMENSIONS


def nonsense_corpus(seed: int) -> list[LabelledText]:
    """Our texts made of words found nowhere else, labelled at random, and a few Reddit comments."""
    rng = np.random.default_rng(seed)
    letters = list("bcdfghjklmnpqrstvwxz")

    def word() -> str:
        return "".join(rng.choice(letters, size=7))

    ours = [
        LabelledText(f"{word().upper()}, {word()}'s {word()}!", bool(rng.random() < 0.3), "made_up", True)
        for _ in range(300)
    ]
    comments = [LabelledText(f"{word()} {'angry' if index % 3 else 'fine'} day", index % 3 == 0, "reddit", False) for index in range(60)]
    return [*ours, *comments]


def worded_corpus(seed: int) -> list[LabelledText]:
    """Our texts from an angry and a calm vocabulary, and Reddit comments saying angry or fine."""
    rng = np.random.default_rng(seed)
    angry = ["useless", "again", "never", "joke", "furious", "waited", "STILL"]
    calm = ["please", "order", "refund", "thanks", "where", "card", "help"]
    ours = [
        LabelledText(" ".join(rng.choice(angry if frustrated else calm, size=4)) + "!", frustrated, "made_up", True)
        for frustrated in rng.random(200) < 0.3
    ]
    comments = [
        LabelledText(f"{rng.choice(calm + angry)} {'so angry' if index % 3 == 0 else 'fine'} day", index % 3 == 0, "reddit", False)
        for index in range(90)
    ]
    return [*ours, *comments]


def hashed_unit_vectors(texts: Sequence[str]) -> np.ndarray:
    """A stand-in sentence embedding: a fixed random unit vector per text (the same text, the same vector)."""
    rows = [np.random.default_rng(zlib.crc32(text.encode())).normal(size=EMBEDDING_DIMENSIONS) for text in texts]
    matrix = np.array(rows).reshape(len(texts), EMBEDDING_DIMENSIONS)
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)
