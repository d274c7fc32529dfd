"""Recognises a customer in a handoff who wants the bot back or to end the chat."""

from __future__ import annotations

import re

_BACK_TO_BOT = re.compile(
    r"\b(?:back to (?:the )?bot|bot back|carry on with (?:the )?bot|continue with (?:the )?bot|"
    r"never ?mind|nevermind|forget it|cancel (?:the )?(?:handoff|request)|close (?:the |this )?chat|"
    r"end (?:the |this )?chat|no longer need (?:a |an )?(?:person|human|agent))\b",
    re.IGNORECASE,
)


def wants_bot_back(text: str) -> bool:
    """True when the message asks to leave the human queue ("back to the bot", "never mind")."""
    return bool(_BACK_TO_BOT.search(text))
