"""Case and accent folding of searched text, so a search box matches words as people expect.

"Zoë", "ZOE" and "zoe" fold alike, as do "Straße" and "STRASSE", "CAFÉ" and "café", full-width
and ligature letters and their plain forms. Folding is done in Python, on the transcript when it
is indexed and on the query when it is searched, so SQLite and PostgreSQL compare the same
folded words byte for byte (neither database's LOWER or LIKE folds beyond ASCII everywhere).
"""

from __future__ import annotations

import unicodedata


def fold_case_and_accents(text: str) -> str:
    """`text` case-folded for every script, its combining marks removed (after NFKD), recomposed (NFC).

    NFKD comes first so compatibility letters ("ℌ", "ﬁ", full-width) fold too, and again after
    `casefold`, which can yield letters that decompose ("ǰ"). NFC at the end keeps a Hangul syllable one
    letter. The result folds to itself, so folding a query and an indexed word never disagree.
    """
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    unmarked = "".join(character for character in decomposed if not unicodedata.combining(character))
    return unicodedata.normalize("NFC", unmarked)
