"""Customer messages the bot misunderstood, written as Rasa NLU YAML for a trainer to label.

The bot's guess for such a message is unsure and often wrong (gibberish leans to `affirm`), so
no example is filed under it: each block carries a placeholder intent named after the guess
(`choose_intent__affirm_guess`, see `bot.nlu.candidate_intents`) that `check-data` refuses until a
trainer has moved every example to the intent the customer meant or deleted it. Phone numbers
and emails are masked unless asked otherwise.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Dict, Iterable, List, Optional

from bot.nlu.candidate_intents import placeholder_intent
from review_app.conversations.queries import MisunderstoodMessage
from review_app.exports.masking import mask_text

NLU_FORMAT_VERSION = "3.1"
_INTENT_NAME = re.compile(r"^[A-Za-z0-9_.\-]+$")


def candidate_nlu_yaml(messages: Iterable[MisunderstoodMessage], exported_at: datetime, mask: bool = True) -> str:
    """NLU YAML with one placeholder block per guessed intent; duplicates (ignoring case) appear once."""
    groups: Dict[Optional[str], List[str]] = {}
    lowest: Dict[Optional[str], Optional[float]] = {}
    seen = set()
    for message in messages:
        text = " ".join((mask_text(message.text) if mask else message.text).split())
        if not text:
            continue
        guess = message.best_guess if message.best_guess and _INTENT_NAME.match(message.best_guess) else None
        if message.confidence is not None:
            current = lowest.get(guess)
            lowest[guess] = message.confidence if current is None else min(current, message.confidence)
        if text.lower() not in seen:
            seen.add(text.lower())
            groups.setdefault(guess, []).append(text)
    lines = [
        f"# Candidate NLU examples: customer messages the bot misunderstood, exported {exported_at:%Y-%m-%d %H:%M} UTC.",
        "# NOT training data yet. Every block has a placeholder intent (choose_intent__...) and",
        "# `make check-data` fails while one is left. For each example, choose the intent the customer",
        "# meant and move the line under that intent in data/nlu/<intent>.yml, or delete it if it means",
        "# nothing. The placeholder names the bot's guess, which was unsure and is often wrong.",
        f'version: "{NLU_FORMAT_VERSION}"',
        "nlu:",
    ]
    if not groups:
        lines[-1] = "nlu: []"
    for guess in sorted(groups, key=lambda name: (name is None, name or "")):
        confidence = lowest.get(guess)
        detail = "" if confidence is None else f", lowest confidence {confidence:.2f}"
        leaning = f"the bot leaned to {guess}" if guess else "the bot had no guess"
        lines.append(f"# {leaning}: {len(groups[guess])} example(s){detail}")
        lines.append(f"- intent: {placeholder_intent(guess)}")
        lines.append("  examples: |")
        lines.extend(f"    - {text}" for text in groups[guess])
    return "\n".join(lines) + "\n"
