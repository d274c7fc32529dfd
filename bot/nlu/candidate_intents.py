"""Placeholder intents for exported NLU candidates: named after the bot's unsure guess, refused by
`check-data` (see `bot.trainer.lint_candidates`) until a trainer has chosen the intent the customer meant."""

from __future__ import annotations

import re
from typing import Optional

PLACEHOLDER_PREFIX = "choose_intent__"
NO_GUESS = "unguessed"
_GUESSED = re.compile(rf"^{PLACEHOLDER_PREFIX}(?P<guess>.+)_guess$")


def placeholder_intent(guess: Optional[str]) -> str:
    """The placeholder for examples the bot leaned to `guess` for: `choose_intent__affirm_guess`."""
    return f"{PLACEHOLDER_PREFIX}{guess}_guess" if guess else f"{PLACEHOLDER_PREFIX}{NO_GUESS}"


def is_placeholder_intent(intent: str) -> bool:
    """Whether `intent` is a placeholder no example may be trained under."""
    return intent.startswith(PLACEHOLDER_PREFIX)


def guess_in_placeholder(intent: str) -> Optional[str]:
    """The bot's guess a placeholder was named after (None for `choose_intent__unguessed`)."""
    match = _GUESSED.match(intent)
    return match.group("guess") if match else None
