"""Tests for review_app/memo.py."""

from __future__ import annotations

from typing import List

from review_app.memo import Memo


def test_computes_once_per_key_and_drops_the_least_recently_used() -> None:
    memo = Memo(size=2)
    computed: List[str] = []

    def compute(label: str) -> str:
        computed.append(label)
        return label

    assert memo.get("a", lambda: compute("a")) == "a"
    assert memo.get("a", lambda: compute("a again")) == "a"
    memo.get("b", lambda: compute("b"))
    memo.get("a", lambda: compute("a third time"))
    memo.get("c", lambda: compute("c"))
    memo.get("b", lambda: compute("b again"))
    assert computed == ["a", "b", "c", "b again"]
