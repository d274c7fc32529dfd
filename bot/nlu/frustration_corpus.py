"""The frustration classifier's training texts: GoEmotions (Reddit) plus our customer-service examples.

Everything training needs ships in `data/frustration/` (see its NOTICE), so a fresh clone trains
without `../shared`. In-domain texts carry a larger sample weight than the Reddit comments.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Mapping, Sequence

import yaml

from bot.settings import REPO_ROOT

FRUSTRATION_DATA = REPO_ROOT / "data" / "frustration"
FRUSTRATED_FILE = "frustrated.yml"
CALM_FILE = "calm.yml"
GOEMOTIONS_FILE = "goemotions_train.csv.gz"
NLU_FRUSTRATED_FILE = "nlu_frustrated.yml"
GOEMOTIONS_GROUP = "goemotions"
NLU_GROUP = "nlu_examples"
NLU_FRUSTRATED_GROUP = "nlu_frustrated"
NOT_CALM_INTENTS = frozenset({"request_human", "complaint"})


@dataclass(frozen=True)
class LabelledText:
    """One training text: frustrated or not, where it comes from (`group`) and whether it is ours."""

    text: str
    frustrated: bool
    group: str
    in_domain: bool


def read_categories(path: Path) -> Mapping[str, List[str]]:
    """The `categories:` blocks of one of our YAML files, as category -> texts."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    categories = data.get("categories")
    if not isinstance(categories, dict):
        raise ValueError(f"{path}: expected a 'categories:' mapping of lists of messages")
    return {str(name): [str(text) for text in texts or ()] for name, texts in categories.items()}


def in_domain_examples(data_dir: Path = FRUSTRATION_DATA) -> List[LabelledText]:
    """Our frustrated messages (positives) and calm hard negatives, grouped by category."""
    examples: List[LabelledText] = []
    for file_name, frustrated in ((FRUSTRATED_FILE, True), (CALM_FILE, False)):
        for category, texts in read_categories(data_dir / file_name).items():
            examples.extend(LabelledText(text, frustrated, category, True) for text in texts)
    return examples


def frustrated_nlu_texts(data_dir: Path = FRUSTRATION_DATA) -> frozenset[str]:
    """NLU examples (any intent) that we marked as frustrated in `nlu_frustrated.yml`."""
    data = yaml.safe_load((data_dir / NLU_FRUSTRATED_FILE).read_text(encoding="utf-8")) or {}
    return frozenset(str(text) for text in data.get("texts") or ())


def nlu_examples(
    examples_by_intent: Iterable[tuple[str, str]], frustrated: frozenset[str]
) -> List[LabelledText]:
    """Our NLU examples: the marked ones frustrated, the rest calm, except intents that may be angry."""
    examples: List[LabelledText] = []
    for text, intent in examples_by_intent:
        if text in frustrated:
            examples.append(LabelledText(text, True, NLU_FRUSTRATED_GROUP, True))
        elif intent not in NOT_CALM_INTENTS and text.strip():
            examples.append(LabelledText(text, False, NLU_GROUP, True))
    return examples


def goemotions_examples(data_dir: Path = FRUSTRATION_DATA) -> List[LabelledText]:
    """GoEmotions train comments labelled frustrated (anger, annoyance, ...) or calm."""
    with gzip.open(data_dir / GOEMOTIONS_FILE, "rt", encoding="utf-8", newline="") as handle:
        return [
            LabelledText(row["text"], row["label"] == "1", GOEMOTIONS_GROUP, False)
            for row in csv.DictReader(handle)
        ]


def training_corpus(
    examples_by_intent: Iterable[tuple[str, str]], data_dir: Path = FRUSTRATION_DATA
) -> List[LabelledText]:
    """Everything the classifier trains on: Reddit comments, our examples, our NLU examples."""
    return [
        *goemotions_examples(data_dir),
        *in_domain_examples(data_dir),
        *nlu_examples(examples_by_intent, frustrated_nlu_texts(data_dir)),
    ]


def data_fingerprint(data_dir: Path = FRUSTRATION_DATA) -> str:
    """A hash of the shipped training files, so Rasa retrains when one of them changes."""
    digest = hashlib.sha256()
    for name in (FRUSTRATED_FILE, CALM_FILE, NLU_FRUSTRATED_FILE, GOEMOTIONS_FILE):
        digest.update((data_dir / name).read_bytes())
    return digest.hexdigest()


def category_counts(examples: Sequence[LabelledText]) -> Mapping[str, int]:
    """How many in-domain examples each category holds."""
    counts: dict[str, int] = {}
    for example in examples:
        counts[example.group] = counts.get(example.group, 0) + 1
    return counts
