"""Customer messages the bot misunderstood, written as Rasa NLU YAML a trainer can paste into `data/nlu/`.

Examples are grouped under the intent the bot leaned towards (its best guess), so the trainer
only has to confirm or move each one. Phone numbers and emails are masked unless asked otherwise.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Dict, Iterable, List, Optional

from bot.conversation_queries import MisunderstoodMessage
from bot.masking import mask_text

NLU_FORMAT_VERSION = "3.1"
_INTENT_NAME = re.compile(r"^[A-Za-z0-9_.\-]+$")


def candidate_nlu_yaml(
    messages: Iterable[MisunderstoodMessage],
    exported_at: datetime,
    fallback_intent: str = "out_of_scope",
    mask: bool = True,
) -> str:
    """NLU YAML with one block per guessed intent; duplicates (ignoring case) appear once."""
    groups: Dict[str, List[str]] = {}
    lowest: Dict[str, Optional[float]] = {}
    seen = set()
    for message in messages:
        text = " ".join((mask_text(message.text) if mask else message.text).split())
        if not text:
            continue
        intent = message.best_guess if message.best_guess and _INTENT_NAME.match(message.best_guess) else fallback_intent
        if message.confidence is not None:
            current = lowest.get(intent)
            lowest[intent] = message.confidence if current is None else min(current, message.confidence)
        if text.lower() not in seen:
            seen.add(text.lower())
            groups.setdefault(intent, []).append(text)
    lines = [
        f"# Candidate NLU examples: customer messages the bot misunderstood, exported {exported_at:%Y-%m-%d %H:%M} UTC.",
        "# Each block holds the messages the bot leaned towards that intent for. Check every example,",
        "# move it to the right intent's file in data/nlu/ (or delete it), then retrain.",
        f'version: "{NLU_FORMAT_VERSION}"',
        "nlu:",
    ]
    if not groups:
        lines[-1] = "nlu: []"
    for intent in sorted(groups):
        confidence = lowest.get(intent)
        detail = "" if confidence is None else f", lowest confidence {confidence:.2f}"
        lines.append(f"# {intent}: {len(groups[intent])} example(s){detail}")
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines.extend(f"    - {text}" for text in groups[intent])
    return "\n".join(lines) + "\n"
