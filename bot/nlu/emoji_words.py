"""Emoji read as the words customers mean by them, for the sentence encoder.

The encoder's WordPiece vocabulary has no emoji: every one of them becomes the same unknown token,
so "👍", "😡" and "🙂" looked alike to the intent and frustration classifiers. Before encoding,
the emoji below are replaced by plain words ("👍" -> "ok", "😡" -> "angry"), a keycap by its
digit ("2️⃣" -> "2"), and any other emoji is dropped, so a message of unknown emoji alone reads as
blank to the encoder instead of as a confident guess. Faces whose meaning depends on the moment
(sad, laughing, eye-rolling, thinking, shrugging) are left out on purpose: alone they do not say
what the customer wants (read as "sad", a lone 🙁 became a complaint ticket; as "hmm", a lone 🤔 a
yes), so the assistant asks instead. Whole emoji sequences (skin tones, joined emoji, flags) are
found by the `emoji` package; symbols that are not emoji (★, ✓, →, ©) stay as typed. Only the
encoder's input changes: the transcript, the parse data's text and the sparse featurizers keep the
customer's own characters. Words rather than Unicode names, because the names mislead ("person
with folded hands" reads as asking for a person).
"""

from __future__ import annotations

import hashlib
import re
from typing import Dict

import emoji

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
EMOJI_WORDS: Dict[str, str] = {emoji_: words for group, words in _GROUPS.items() for emoji_ in group}

_KEYCAP = "\u20e3"
_MAYBE_EMOJI = re.compile("[\u00a9\u00ae\u203c-\u3299\U0001f000-\U0001faff]")  # a cheap look before the emoji package's
_FIRST_PICTOGRAPH = 0x2300  # below it the emoji data holds text symbols (©, ®, ™, arrows) that text uses as such
_PRESENTATION_MARKS = str.maketrans("", "", "\ufe0e\ufe0f\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff")
# How a text is read changes with the table, the rules below and the emoji package's data; part of
# the encoder's identity, so a change to any of them makes Rasa retrain.
READING_RULES = 2
EMOJI_WORDS_VERSION = hashlib.sha256(
    f"{sorted(EMOJI_WORDS.items())}|{READING_RULES}|{emoji.__version__}".encode("utf-8")
).hexdigest()[:12]


def words_for_emoji(text: str) -> str:
    """`text` with listed emoji as words (space-separated from their neighbours) and other emoji removed.

    Text without emoji comes back unchanged, character for character.
    """
    if not _MAYBE_EMOJI.search(text):
        return text
    read = emoji.replace_emoji(text, replace=_read)
    return text if read == text else " ".join(read.split())


def _read(sequence: str, _data: Dict[str, str]) -> str:
    """One emoji sequence as words: its table entry (skin tone and style marks aside), a keycap's
    digit, a text symbol kept (©, ™, ↔ typed without the emoji mark), or nothing."""
    if sequence.endswith(_KEYCAP):
        return f" {sequence[0]} "
    plain = sequence.translate(_PRESENTATION_MARKS)
    if plain in EMOJI_WORDS:
        return f" {EMOJI_WORDS[plain]} "
    return sequence if len(sequence) == 1 and ord(sequence) < _FIRST_PICTOGRAPH else " "
