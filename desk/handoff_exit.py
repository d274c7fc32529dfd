"""Recognises a waiting customer who wants the bot back instead of a person.

Only a message that is nothing but that request counts, give or take politeness and punctuation
("never mind", "forget it, thanks", "I'll ask the bot"). A message that says more ("forget it,
this company is a joke, I'll file a chargeback") or the opposite ("please don't end this chat")
stays with the people, and is relayed to them like any other.
"""

from __future__ import annotations

import re

# "I'll", "I'll just", "let me"...: "just" only after a subject, as it is a courtesy on its own.
_SUBJECT = r"(?:i'll|i will|let me)(?: just)? "
_LEAVE_PHRASES = (
    r"(?:(?:take me |go |put me )?back to (?:the )?(?:bot|assistant))",
    r"(?:(?:i want |give me |can i have |i'd like )?(?:the )?(?:bot|assistant) back)",
    rf"(?:(?:{_SUBJECT}|i'd rather )?(?:carry on|continue|talk|chat|stay) (?:with|to) (?:the )?(?:bot|assistant))",
    rf"(?:(?:{_SUBJECT})?ask (?:the )?(?:bot|assistant))",
    r"(?:never ?mind)",
    r"(?:forget (?:it|about it))",
    r"(?:cancel (?:the |my |this )?(?:handoff|request))",
    r"(?:(?:close|end) (?:the |this )?chat)",
    r"(?:(?:i )?(?:no longer|don't|do not) need (?:a |an )?(?:person|human|agent)(?: any ?more)?)",
    rf"(?:(?:{_SUBJECT})?stop waiting)",
    r"(?:(?:i )?(?:don't|do not) want to wait(?: any ?more)?)",
)
# Words around the request that add nothing to it; none of them starts a leave phrase.
_COURTESIES = (
    "please", "pls", "plz", "thanks", "thank you", "thx", "ty", "ok", "okay", "oh", "ah", "um",
    "actually", "sorry", "no", "nah", "hey", "hi", "hello", "anyway", "anyways", "then", "just",
    "instead", "now", "it's fine", "that's fine", "it's ok", "all good", "i'm good", "i'm fine",
)
_LEAVE = "|".join(_LEAVE_PHRASES)
_COURTESY = "|".join(re.escape(word) for word in _COURTESIES)
_ONLY_A_REQUEST_TO_LEAVE = re.compile(rf"(?:(?:{_COURTESY}) )*(?:{_LEAVE}) (?:(?:{_LEAVE}|{_COURTESY}) )*")
_NOT_A_WORD = re.compile(r"[^\w']+")
# Longer than this, a message says more than "back to the bot" (and the pattern stays cheap).
_MAX_LENGTH = 120


def wants_bot_back(text: str) -> bool:
    """True when the whole message asks to leave the human queue ("back to the bot", "never
    mind, thanks"), so a customer who says more, or says "don't end this chat", is not dropped."""
    words = _words(text)
    if not words or len(words) > _MAX_LENGTH:
        return False
    return _ONLY_A_REQUEST_TO_LEAVE.fullmatch(words + " ") is not None


def _words(text: str) -> str:
    """Lower-case words separated by single spaces; punctuation and emoji dropped, apostrophes kept."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(word.strip("'") for word in _NOT_A_WORD.split(text) if word.strip("'"))
