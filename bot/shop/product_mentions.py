"""What a product question is about: every product it names ("the aura speaker and the volt power
bank"), or the item a customer asks the shop about ("do you sell phones?") when the catalogue may not have it.

A product question that names nothing we sell is either a follow-up about the product already
discussed ("is it in stock?") or a question about something else ("do you sell phones?"); only
the first may be answered with the remembered product.
"""

from __future__ import annotations

import re
from typing import Iterable, List, Optional

from bot.shop.catalogue import Catalogue, Product

_ASKS_FOR_ITEM = re.compile(
    r"\b(?:do|does|can)\s+(?:you|u|y'all|you guys|your shop|brightway)\s+(?:sell|have|carry|stock|offer|do)\s+"
    r"(?:any\s+|some\s+|the\s+|a\s+|an\s+)?(?P<item>[^\W\d][\w' -]{1,40}?)\s*(?:[?.!,]|\bin stock\b|\bat all\b|$)",
    re.IGNORECASE,
)
_REFERRING_WORDS = frozenset({"it", "that", "this", "one", "them", "those", "these", "they", "its"})


def asked_for_item(text: str) -> Optional[str]:
    """The item named in "do you sell / have / carry X", unless X refers back ("do you have it in black")."""
    match = _ASKS_FOR_ITEM.search(text)
    if match is None:
        return None
    item = match.group("item").strip(" -'")
    first_word = item.split()[0].lower() if item else ""
    return None if not item or first_word in _REFERRING_WORDS else item


def products_named(catalogue: Catalogue, text: str, entity_mentions: Iterable[str] = ()) -> List[Product]:
    """Every product a message names, in the order it names them, each once, so that a question about
    two products answers both: those found in `text`, then any the NLU's `entity_mentions` name that
    the text search missed."""
    from_entities = (catalogue.find(mention) for mention in entity_mentions)
    named = [*catalogue.find_all_in_text(text), *(product for product in from_entities if product is not None)]
    return list(dict.fromkeys(named))
