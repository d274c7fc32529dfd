"""Split long replies to fit a platform's limit, at paragraph, line or sentence ends, never mid-word."""

from __future__ import annotations

import re
from typing import Callable, List, Pattern, Sequence

Measure = Callable[[str], int]

_BOUNDARIES: Sequence[Pattern[str]] = (
    re.compile(r"(?P<gap>\n[ \t]*\n\s*)"),
    re.compile(r"(?P<gap>\n\s*)"),
    re.compile(r"[.!?…][\"'”’)\]]*(?P<gap>\s+)"),
    re.compile(r"[;:,](?P<gap>\s+)"),
    re.compile(r"(?P<gap>\s+)"),
)


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts message length."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, measure: Measure = len) -> List[str]:
    """Cut `text` into pieces of at most `limit` (by `measure`), preferring the strongest boundary.

    A single word longer than `limit` is the only thing ever cut inside, as there is no choice.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    pieces: List[str] = []
    rest = text.strip()
    while rest:
        if measure(rest) <= limit:
            pieces.append(rest)
            break
        window = _fitting_prefix_length(rest, limit, measure)
        cut = _best_cut(rest, window)
        piece, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if piece:
            pieces.append(piece)
    return pieces


def split_rendered(
    text: str, limit: int, render: Callable[[str], str], measure: Measure = len
) -> List[str]:
    """Split source `text`, then render each piece; re-split any piece that rendering made too long."""
    rendered: List[str] = []
    for piece in split_text(text, limit, measure):
        output = render(piece)
        overflow = measure(output) - limit
        if overflow <= 0:
            rendered.append(output)
        elif measure(piece) <= 1:
            rendered.append(output[:limit])
        else:
            smaller = max(1, min(measure(piece) - 1, limit - overflow))
            rendered.extend(split_rendered(piece, smaller, render, measure))
    return rendered


def _fitting_prefix_length(text: str, limit: int, measure: Measure) -> int:
    """The longest prefix length whose measure is within `limit`."""
    if measure is len:
        return min(limit, len(text))
    low, high = 0, min(len(text), limit)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return max(low, 1)


def _best_cut(text: str, window: int) -> int:
    """Where to cut: the last strongest boundary within `window`, preferring the second half."""
    head = text[: window + 1]
    for minimum in (window // 2, 1):
        for pattern in _BOUNDARIES:
            starts = [
                match.start("gap")
                for match in pattern.finditer(head)
                if minimum <= match.start("gap") <= window
            ]
            if starts:
                return starts[-1]
    return window
