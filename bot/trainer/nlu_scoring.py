"""Scoring a trained model's intent classification on labelled examples (`text,intent[,tags]`).

Accuracy, macro-F1, per-intent figures, the most confused pairs, accuracy per language-variation
tag, fallbacks and parse time. `make eval` (bot/trainer/nlu_evaluation.py) and the bench
`bench/nlu_eval.py` both measure with these; only `load_parser` touches Rasa.
"""

from __future__ import annotations

import asyncio
import csv
import logging
import os
import sys
import time
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

from bot.settings import REPO_ROOT

DEFAULT_DATA = (REPO_ROOT / "../shared/eval/intents_dev.csv").resolve()
FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE_INTENT = "out_of_scope"
TOP_CONFUSIONS = 10


@dataclass(frozen=True)
class Example:
    """One labelled message; `tags` holds Bitext's variation letters, e.g. "BLQZ" (may be empty)."""

    text: str
    intent: str
    tags: str = ""


@dataclass(frozen=True)
class Prediction:
    """What the model said about one message."""

    intent: str
    confidence: float


@dataclass(frozen=True)
class IntentScores:
    """Precision, recall and F1 of one intent; `support` is how many gold examples it has."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class OutOfScopeScores:
    """How out-of-scope requests were turned away, and how the in-scope ones beside them fared."""

    rejection: float  # share of out_of_scope rows predicted out_of_scope or nlu_fallback
    out_of_scope: int
    in_scope_accuracy: float  # share of the other rows given their own intent (a fallback is wrong)
    in_scope: int


@dataclass
class Report:
    """Every figure the bench prints, in a JSON-friendly shape."""

    examples: int
    accuracy: float
    macro_f1: float
    per_intent: dict[str, IntentScores]
    confusions: list[tuple[str, str, int]]
    accuracy_by_tag: dict[str, tuple[float, int]]
    fallbacks: int
    mean_parse_ms: float
    p95_parse_ms: float
    out_of_scope: Optional[OutOfScopeScores] = None
    model: str = ""
    data: str = ""
    errors: list[dict[str, object]] = field(default_factory=list)


def read_examples(path: Path) -> list[Example]:
    """Read `text,intent[,tags]` rows; exit with a message that says what is wrong with the file."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"text", "intent"} <= set(reader.fieldnames):
            sys.exit(f"{path}: expected a header with columns 'text' and 'intent', got {reader.fieldnames}.")
        examples = [Example(row["text"], row["intent"].strip(), (row.get("tags") or "").strip()) for row in reader]
    if not examples:
        sys.exit(f"{path}: no rows to evaluate.")
    return examples


def load_parser(model_path: Path) -> Callable[[str], Prediction]:
    """Load the model with Rasa's Agent and return a function that parses one text."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))
    if not agent.is_ready():
        sys.exit(f"Rasa could not load a model from {model_path}.")
    loop = asyncio.new_event_loop()

    def parse(text: str) -> Prediction:
        parsed = loop.run_until_complete(agent.parse_message(text))
        intent = parsed.get("intent") or {}
        return Prediction(intent.get("name") or "", float(intent.get("confidence") or 0.0))

    return parse


def timed_predictions(parse: Callable[[str], Prediction], texts: Sequence[str]) -> tuple[list[Prediction], list[float]]:
    """Parse every text once; return the predictions and the seconds each parse took."""
    predictions, seconds = [], []
    for text in texts:
        started = time.perf_counter()
        predictions.append(parse(text))
        seconds.append(time.perf_counter() - started)
    return predictions, seconds


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Share of predictions equal to the gold label."""
    return sum(1 for g, p in zip(gold, predicted) if g == p) / max(len(gold), 1)


def per_intent_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, IntentScores]:
    """Precision, recall, F1 and support for every label that is gold or predicted."""
    labels = sorted(set(gold) | set(predicted))
    pairs = list(zip(gold, predicted))
    scores = {}
    for label in labels:
        true_pos = sum(1 for g, p in pairs if g == label and p == label)
        predicted_count = sum(1 for _, p in pairs if p == label)
        support = sum(1 for g, _ in pairs if g == label)
        precision = true_pos / predicted_count if predicted_count else 0.0
        recall = true_pos / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[label] = IntentScores(precision, recall, f1, support)
    return scores


def macro_f1(scores: dict[str, IntentScores]) -> float:
    """Unweighted mean F1 over the intents that have gold examples (predicted-only labels are left out)."""
    gold_labels = [score.f1 for score in scores.values() if score.support]
    return sum(gold_labels) / len(gold_labels) if gold_labels else 0.0


def top_confusions(gold: Sequence[str], predicted: Sequence[str], n: int = TOP_CONFUSIONS) -> list[tuple[str, str, int]]:
    """The `n` most frequent (gold, predicted) pairs where the two differ."""
    counts = Counter((g, p) for g, p in zip(gold, predicted) if g != p)
    return [(g, p, count) for (g, p), count in counts.most_common(n)]


def accuracy_by_tag(examples: Sequence[Example], predicted: Sequence[str]) -> dict[str, tuple[float, int]]:
    """Accuracy and count per tag letter; an example tagged "BLQ" counts once under B, L and Q."""
    totals: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    for example, label in zip(examples, predicted):
        for tag in set(example.tags):
            totals[tag] += 1
            correct[tag] += example.intent == label
    return {tag: (correct[tag] / totals[tag], totals[tag]) for tag in sorted(totals)}


def out_of_scope_scores(gold: Sequence[str], predicted: Sequence[str]) -> Optional[OutOfScopeScores]:
    """Rejection of the `out_of_scope` rows and accuracy on the rest; None when no row is out of scope."""
    rejected = [p in (OUT_OF_SCOPE_INTENT, FALLBACK_INTENT) for g, p in zip(gold, predicted) if g == OUT_OF_SCOPE_INTENT]
    if not rejected:
        return None
    in_scope = [g == p for g, p in zip(gold, predicted) if g != OUT_OF_SCOPE_INTENT]
    return OutOfScopeScores(
        rejection=sum(rejected) / len(rejected),
        out_of_scope=len(rejected),
        in_scope_accuracy=sum(in_scope) / max(len(in_scope), 1),
        in_scope=len(in_scope),
    )


def build_report(examples: Sequence[Example], predictions: Sequence[Prediction], seconds: Sequence[float]) -> Report:
    """Every figure of the bench from gold examples and the model's predictions."""
    gold = [example.intent for example in examples]
    predicted = [prediction.intent for prediction in predictions]
    scores = per_intent_scores(gold, predicted)
    errors = [
        {"text": e.text, "gold": e.intent, "predicted": p.intent, "confidence": round(p.confidence, 3), "tags": e.tags}
        for e, p in zip(examples, predictions)
        if e.intent != p.intent
    ]
    return Report(
        examples=len(examples),
        accuracy=accuracy(gold, predicted),
        macro_f1=macro_f1(scores),
        per_intent=scores,
        confusions=top_confusions(gold, predicted),
        accuracy_by_tag=accuracy_by_tag(examples, predicted) if any(e.tags for e in examples) else {},
        fallbacks=sum(1 for label in predicted if label == FALLBACK_INTENT),
        mean_parse_ms=1000 * sum(seconds) / max(len(seconds), 1),
        p95_parse_ms=1000 * percentile(seconds, 0.95),
        out_of_scope=out_of_scope_scores(gold, predicted),
        errors=errors,
    )


def format_report(report: Report) -> str:
    """The report as the plain-text tables the CLI prints."""
    lines = [
        f"model: {report.model}",
        f"data:  {report.data} ({report.examples} examples)",
        "",
        f"accuracy  {report.accuracy:.3f}",
        f"macro-F1  {report.macro_f1:.3f}  (over intents with gold examples)",
        f"fallback  {report.fallbacks} ({report.fallbacks / max(report.examples, 1):.1%}) predicted as {FALLBACK_INTENT}",
        f"parse     {report.mean_parse_ms:.2f} ms per message (mean), {report.p95_parse_ms:.2f} ms (95th percentile)",
    ]
    if report.out_of_scope:
        oos = report.out_of_scope
        lines.append(
            f"out of scope  {oos.rejection:.3f} rejected ({OUT_OF_SCOPE_INTENT} or {FALLBACK_INTENT}) of {oos.out_of_scope}; "
            f"in-scope accuracy {oos.in_scope_accuracy:.3f} of {oos.in_scope}"
        )
    lines += [
        "",
        f"{'intent':<18} {'precision':>9} {'recall':>6} {'f1':>6} {'support':>7}",
    ]
    for label, score in sorted(report.per_intent.items(), key=lambda item: (-item[1].support, item[0])):
        lines.append(f"{label:<18} {score.precision:9.3f} {score.recall:6.3f} {score.f1:6.3f} {score.support:7d}")
    lines += ["", "most confused (gold -> predicted: count)"]
    lines += [f"  {gold} -> {predicted}: {count}" for gold, predicted, count in report.confusions] or ["  none"]
    if report.accuracy_by_tag:
        lines += ["", f"{'tag':<4} {'accuracy':>8} {'n':>5}"]
        lines += [f"{tag:<4} {acc:8.3f} {n:5d}" for tag, (acc, n) in report.accuracy_by_tag.items()]
    return "\n".join(lines)


def report_as_json(report: Report) -> dict:
    """The report as plain JSON types (the trainer workflow reads this)."""
    data = asdict(report)
    data["confusions"] = [{"gold": g, "predicted": p, "count": c} for g, p, c in report.confusions]
    data["accuracy_by_tag"] = {tag: {"accuracy": acc, "n": n} for tag, (acc, n) in report.accuracy_by_tag.items()}
    return data


def quiet_rasa() -> None:
    """Keep Rasa's per-message debug lines and dependency warnings out of the report."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    warnings.filterwarnings("ignore")
    warnings.showwarning = lambda *args, **kwargs: None  # some imports re-enable their own warnings
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.getLogger("rasa").setLevel(logging.ERROR)
