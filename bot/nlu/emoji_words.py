"""Emoji read as the words customers mean by them, for the sentence encoder.

The encoder's WordPiece vocabulary has no emoji: every one of them becomes the same unknown token,
so "👍", "😡" and "🙂" looked alike to the intent and frustration classifiers. Before encoding,
the emoji below are replaced by plain words ("👍" -> "ok", "😡" -> "angry"); any other emoji is
dropped, so a message of unknown emoji alone reads as blank to the encoder instead of as a
confident guess. Faces whose meaning depends on the moment (sad, laughing, eye-rolling, thinking,
shrugging) are left out on purpose: alone they do not say what the customer wants (read as "sad",
a lone 🙁 became a complaint ticket; as "hmm", a lone 🤔 a yes), so the assistant asks instead.
Only the encoder's input changes: the transcript, the parse data's text and the sparse
featurizers keep the customer's own characters. Words rather than Unicode names, because
the names mislead ("person with folded hands" reads as asking for a person).
"""

from __future__ import annotations

import re
from typing import Dict

EMOJI_WORDS_VERSION = "1"  # bump when the table changes: the encoder's identity, and so the model fingerprint, follows

_GROUPS: Dict[str, str] = {
    "👍👌✅✔☑🆗🤙💯": "ok",
    "👎❌✖🚫": "no",
    "🙏": "thank you",
    "🙂😊😀😃😄😁☺😉😎🤗😇": "happy",
    "❤♥💙💚💛💜🧡🖤🤍💕💖😍🥰😘": "love",
    "😡😠🤬👿😤💢": "angry",
    "💩": "crap",
    "🖕": "screw you",
    "👋": "hi",
    "📦": "package",
    "🚚🚛": "delivery truck",
    "💳": "card",
    "💰💵💶💷💸": "money",
    "📧✉📩": "email",
    "📞☎📱": "phone",
    "❓❔": "?",
    "❗❕‼": "!",
}
EMOJI_WORDS: Dict[str, str] = {emoji: words for group, words in _GROUPS.items() for emoji in group}

_MODIFIERS = re.compile("[\ufe0e\ufe0f\u200d\U0001f3fb-\U0001f3ff]")  # variation selectors, joiner, skin tones
_LISTED = re.compile("|".join(re.escape(emoji) for emoji in sorted(EMOJI_WORDS, key=len, reverse=True)))
_UNLISTED = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff]")


def words_for_emoji(text: str) -> str:
    """`text` with listed emoji as words (space-separated from their neighbours) and other emoji removed.

    Text without emoji comes back unchanged, character for character.
    """
    if not _UNLISTED.search(text) and not _LISTED.search(text):
        return text
    plain = _MODIFIERS.sub("", text)
    named = _LISTED.sub(lambda match: f" {EMOJI_WORDS[match.group(0)]} ", plain)
    return " ".join(_UNLISTED.sub(" ", named).split())
