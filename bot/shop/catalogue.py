"""The product catalogue: finds a product from what a customer typed, typos and nicknames included."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Set, Tuple

import yaml

MAX_SCAN_CHARS = 300
# A message that may name several things: a joining word or mark between them.
_JOINS_SEVERAL = re.compile(r"\b(?:and|or|plus|vs|versus|also|both)\b|[,&+/]", re.IGNORECASE)

AVAILABILITY_TEXT = {
    "in_stock": "in stock",
    "low_stock": "in stock, but only a few left",
    "out_of_stock": "out of stock",
}


@dataclass(frozen=True)
class Product:
    """One product as customers see it."""

    id: str
    name: str
    synonyms: Tuple[str, ...]
    price: float
    availability: str
    facts: Tuple[str, ...]
    restock: Optional[str] = None

    def describe(self) -> str:
        """A short plain-language answer: price, availability and key facts."""
        stock = AVAILABILITY_TEXT.get(self.availability, self.availability)
        if self.availability == "out_of_stock" and self.restock:
            stock += f" (back {self.restock})"
        facts = "; ".join(self.facts)
        return f"The {self.name} costs £{self.price:.2f} and is {stock}. {facts}."


class Catalogue:
    """Looks products up by name or synonym, exactly or fuzzily."""

    def __init__(self, products: Sequence[Product], fuzzy_cutoff: float = 0.8) -> None:
        """Index `products` by every lower-cased name and synonym."""
        self.products = tuple(products)
        self._fuzzy_cutoff = fuzzy_cutoff
        self._by_alias: Dict[str, Product] = {}
        for product in self.products:
            for alias in (product.name, *product.synonyms):
                self._by_alias.setdefault(_normalise(alias), product)
        self._longest_alias_words = max((len(a.split()) for a in self._by_alias), default=1)

    @classmethod
    def from_yaml(cls, path: Path) -> "Catalogue":
        """Load `data/shop/catalogue.yml`-style files."""
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        products = [
            Product(
                id=str(item["id"]),
                name=str(item["name"]),
                synonyms=tuple(str(s) for s in item.get("synonyms", [])),
                price=float(item["price"]),
                availability=str(item.get("availability", "in_stock")),
                facts=tuple(str(f) for f in item.get("facts", [])),
                restock=item.get("restock"),
            )
            for item in raw.get("products", [])
        ]
        return cls(products)

    def aliases(self) -> List[str]:
        """Every lower-cased name and synonym (what the NLU lookup table must list)."""
        return sorted(self._by_alias)

    def find(self, mention: str) -> Optional[Product]:
        """The product a mention names: exact alias first, then the closest alias by spelling."""
        key = _normalise(mention)
        if not key:
            return None
        if key in self._by_alias:
            return self._by_alias[key]
        for alias in difflib.get_close_matches(key, self._by_alias, n=3, cutoff=self._fuzzy_cutoff):
            if _typo_count(key, alias) <= _typos_allowed(alias):
                return self._by_alias[alias]
        return None

    def find_in_text(self, text: str) -> Optional[Product]:
        """The product a message names: exact phrases anywhere, else close spellings early on.

        Fuzzy matching costs more, so it looks at the first 300 characters only.
        """
        words = _normalise(text).split()
        for phrase in self._phrases(words):
            if phrase in self._by_alias:
                return self._by_alias[phrase]
        for phrase in dict.fromkeys(self._phrases(_normalise(text[:MAX_SCAN_CHARS]).split())):
            if len(phrase) >= 5:
                match = self.find(phrase)
                if match is not None:
                    return match
        return None

    def find_all_in_text(self, text: str) -> List[Product]:
        """Every product a message names, in the order it names them, each once ("the aura speaker
        and the volt power bank" is two products): exact phrases anywhere, close spellings early on.

        Close spellings are looked for only among the words no exact phrase took, and, as in
        `find_in_text`, only in the first 300 characters; after an exact name only when the message
        joins several things ("and", "or", a comma), since the close search costs about 1.5 ms of a
        reply and one product named exactly is the common question.
        """
        taken: Set[int] = set()
        exact = self._mentions(_normalise(text).split(), self._by_alias.get, taken)
        if exact and not _JOINS_SEVERAL.search(text):
            return [product for _, product in exact]
        close = self._mentions(_normalise(text[:MAX_SCAN_CHARS]).split(), self._find_close_phrase, taken)
        in_order = sorted(exact + close, key=lambda mention: mention[0])
        return list(dict.fromkeys(product for _, product in in_order))

    def _mentions(
        self, words: List[str], lookup: Callable[[str], Optional[Product]], taken: Set[int]
    ) -> List[Tuple[int, Product]]:
        """(first word's index, product) for each run of words `lookup` names a product, longest runs
        first; a run overlapping one already found (its words are in `taken`, which grows) is skipped."""
        found: List[Tuple[int, Product]] = []
        for start, size in self._runs(len(words)):
            span = set(range(start, start + size))
            product = None if span & taken else lookup(" ".join(words[start : start + size]))
            if product is not None:
                found.append((start, product))
                taken.update(span)
        return found

    def _find_close_phrase(self, phrase: str) -> Optional[Product]:
        """The product a phrase of five characters or more names by a close spelling (shorter ones are
        too easily another word)."""
        return self.find(phrase) if len(phrase) >= 5 else None

    def _runs(self, word_count: int) -> Iterator[Tuple[int, int]]:
        """(start, size) of every run of words as long as an alias can be, longest runs first."""
        for size in range(min(self._longest_alias_words, word_count), 0, -1):
            for start in range(word_count - size + 1):
                yield start, size

    def _phrases(self, words: List[str]) -> Iterator[str]:
        """Every run of words as long as an alias can be, longest runs first."""
        for start, size in self._runs(len(words)):
            yield " ".join(words[start : start + size])

def _typos_allowed(alias: str) -> int:
    """How many slips of the keyboard a mention of `alias` may have: one per six letters, at least
    one. Spelling similarity alone would take "aurora" for "aura"; two extra letters are a
    different word, not a typo."""
    return max(1, len(alias) // 6)


def _typo_count(typed: str, alias: str) -> int:
    """Letters missing, extra, wrong or swapped with a neighbour between `typed` and `alias`
    (optimal string alignment distance)."""
    previous_row: List[int] = []
    row = list(range(len(alias) + 1))
    for i, typed_char in enumerate(typed, start=1):
        before_previous, previous_row, row = previous_row, row, [i] + [0] * len(alias)
        for j, alias_char in enumerate(alias, start=1):
            row[j] = min(
                previous_row[j] + 1,
                row[j - 1] + 1,
                previous_row[j - 1] + (typed_char != alias_char),
            )
            if i > 1 and j > 1 and typed_char == alias[j - 2] and typed[i - 2] == alias_char:
                row[j] = min(row[j], before_previous[j - 2] + 1)
    return row[-1]


def _normalise(text: str) -> str:
    """Lower-case and reduce to words, so "Aura-Speaker!!" matches "aura speaker"."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))
