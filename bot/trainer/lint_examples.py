"""Lints on examples across intents: the same sentence twice, and sentences so alike they confuse the model."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from bot.trainer.lint_findings import Finding, Severity
from bot.trainer.training_sources import NluExample

BLOCK_ROWS = 512
WORD = re.compile(r"[a-z0-9']+")
NEGATIONS = frozenset({"not", "no", "never", "don't", "dont", "isn't", "isnt", "n't", "nope", "nothing"})


@dataclass(frozen=True)
class SimilarPair:
    """Two examples of different intents: indices into the example list and both similarities."""

    first: int
    second: int
    char_cosine: float
    token_jaccard: float


def normalise(text: str) -> str:
    """Lower-case, whitespace collapsed, trailing punctuation dropped: how a duplicate is judged."""
    return re.sub(r"\s+", " ", text.lower()).strip().rstrip("?!. ")


def negation_contrast(first: str, second: str) -> bool:
    """True when two sentences differ only by negation words ('that's right' / 'that's not right'):
    a deliberate contrast that teaches the model what the negation means."""
    difference = set(WORD.findall(first.lower())) ^ set(WORD.findall(second.lower()))
    return bool(difference) and difference <= NEGATIONS


def duplicates_across_intents(examples: Sequence[NluExample]) -> List[Finding]:
    """The same sentence under two intents teaches the model both answers; keep it in one."""
    first_seen: Dict[str, NluExample] = {}
    findings = []
    for example in examples:
        key = normalise(example.text)
        earlier = first_seen.setdefault(key, example)
        if earlier.intent != example.intent:
            findings.append(Finding(
                "same-example-two-intents", Severity.ERROR, example.where,
                f"'{example.text}' is an example of '{example.intent}' here and of '{earlier.intent}' "
                f"at {earlier.where}",
                "keep it only under the intent a customer means by it and delete the other line",
            ))
    return findings


def duplicates_within_intent(examples: Sequence[NluExample]) -> List[Finding]:
    """The same sentence twice under one intent (ignoring case, spacing and final punctuation) only weighs it double."""
    first_seen: Dict[Tuple[str, str], NluExample] = {}
    findings = []
    for example in examples:
        earlier = first_seen.setdefault((example.intent, normalise(example.text)), example)
        if earlier is not example:
            findings.append(Finding(
                "same-example-twice", Severity.ERROR, example.where,
                f"'{example.text}' repeats '{earlier.text}' at {earlier.where} (intent '{example.intent}'; case, "
                "spacing and a final '?', '!' or '.' do not count)",
                "delete one of the two lines, or reword it into a different sentence a customer would write",
            ))
    return findings


def similar_pairs(texts: Sequence[str], intents: Sequence[str], char_cosine: float, token_jaccard: float) -> List[SimilarPair]:
    """Pairs of different intents whose character-n-gram cosine or word Jaccard reaches its threshold.

    Exact duplicates (equal after `normalise`) are left to `duplicates_across_intents`, and
    deliberate negation contrasts are skipped.
    Similarities are computed in row blocks so ~2,500 examples take well under a second.
    """
    if len(texts) < 2:
        return []
    normalised = [normalise(text) for text in texts]
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), lowercase=True).fit_transform(normalised)
    words = CountVectorizer(binary=True, token_pattern=r"(?u)\b\w+\b").fit_transform(normalised).astype(np.float32)
    sizes = np.asarray(words.sum(axis=1)).ravel()
    _, labels = np.unique(np.asarray(intents), return_inverse=True)
    pairs = []
    for start in range(0, len(texts), BLOCK_ROWS):
        rows = slice(start, min(start + BLOCK_ROWS, len(texts)))
        cosine = (chars[rows] @ chars.T).toarray()
        shared = (words[rows] @ words.T).toarray()
        union = sizes[rows, None] + sizes[None, :] - shared
        jaccard = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
        row_index = np.arange(rows.start, rows.stop)[:, None]
        candidate = (
            ((cosine >= char_cosine) | (jaccard >= token_jaccard))
            & (np.arange(len(texts))[None, :] > row_index)
            & (labels[rows, None] != labels[None, :])
        )
        for i, j in zip(*np.nonzero(candidate)):
            first, second = int(row_index[i, 0]), int(j)
            if normalised[first] != normalised[second] and not negation_contrast(texts[first], texts[second]):
                pairs.append(SimilarPair(first, second, float(cosine[i, j]), float(jaccard[i, j])))
    return pairs


def near_duplicates(examples: Sequence[NluExample], char_cosine: float, token_jaccard: float) -> List[Finding]:
    """Warn about examples of different intents that read almost the same."""
    pairs = similar_pairs([e.text for e in examples], [e.intent for e in examples], char_cosine, token_jaccard)
    findings = []
    for pair in pairs:
        first, second = examples[pair.first], examples[pair.second]
        findings.append(Finding(
            "near-duplicate", Severity.WARNING, second.where,
            f"'{second.text}' ({second.intent}) is almost the same as '{first.text}' ({first.intent}) "
            f"at {first.where} (character similarity {pair.char_cosine:.2f}, word overlap {pair.token_jaccard:.2f})",
            "reword one so the words that tell the two intents apart are in it, or move it to the intent it belongs to",
        ))
    return findings


def regression_copies(examples: Sequence[NluExample], frozen: Sequence[NluExample]) -> List[Finding]:
    """A training example equal to a regression phrasing turns the regression set into a memory test."""
    phrasings = {normalise(phrase.text): phrase for phrase in frozen}
    findings = []
    for example in examples:
        phrase = phrasings.get(normalise(example.text))
        if phrase is not None:
            findings.append(Finding(
                "copied-from-regression-set", Severity.ERROR, example.where,
                f"'{example.text}' is a phrasing of the frozen regression set ({phrase.where}), "
                "which must stay unseen by training",
                "write a sentence of your own with the same meaning instead; never copy from tests/nlu_regression.yml",
            ))
    return findings
