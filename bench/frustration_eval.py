"""Measure the frustration scorer on a labelled CSV (`text,label`, 1 = frustrated).

Prints precision, recall, F1 and accuracy at the scorer's threshold, a VADER compound-score
baseline from the same run, a threshold sweep and the mean CPU time per message.

    python bench/frustration_eval.py [--data FILE.csv] [--threshold X]
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bot.frustration import FrustrationScorer  # noqa: E402  (runs as a script from any directory)

DEFAULT_DATA = (REPO_ROOT / "../shared/eval/frustration_dev.csv").resolve()
SWEEP = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8)
VADER_CUTOFFS = (-0.05, -0.1, -0.2, -0.3, -0.4, -0.5)
REPEAT = 3
HISTORY_TURNS = 5


@dataclass(frozen=True)
class Example:
    """One labelled text."""

    text: str
    label: bool


@dataclass(frozen=True)
class Metrics:
    """Binary classification quality for the positive (frustrated) class."""

    precision: float
    recall: float
    f1: float
    accuracy: float

    def row(self) -> str:
        """The four numbers, aligned for a table."""
        return f"{self.precision:9.3f} {self.recall:6.3f} {self.f1:6.3f} {self.accuracy:8.3f}"


def read_examples(path: Path) -> list[Example]:
    """Read `text,label` rows; exit with a message that says what is wrong with the file."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"text", "label"} <= set(reader.fieldnames):
            sys.exit(
                f"{path}: expected a header with columns 'text' and 'label', got {reader.fieldnames}."
            )
        examples = [Example(row["text"], row["label"].strip() == "1") for row in reader]
    if not examples:
        sys.exit(f"{path}: no rows to evaluate.")
    return examples


def metrics(predictions: Sequence[bool], labels: Sequence[bool]) -> Metrics:
    """Precision, recall, F1 and accuracy of `predictions` against `labels`."""
    pairs = list(zip(predictions, labels, strict=True))
    true_pos = sum(1 for predicted, actual in pairs if predicted and actual)
    false_pos = sum(1 for predicted, actual in pairs if predicted and not actual)
    false_neg = sum(1 for predicted, actual in pairs if actual and not predicted)
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 0.0
    recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(1 for predicted, actual in pairs if predicted == actual) / len(pairs)
    return Metrics(precision, recall, f1, accuracy)


def timed_scores(
    make_scorer: Callable[[], FrustrationScorer], texts: Sequence[str], repeat: int
) -> tuple[list[float], float]:
    """Score every text with a fresh scorer `repeat` times; the scores and best mean seconds."""
    best = math.inf
    scores: list[float] = []
    for _ in range(repeat):
        scorer = make_scorer()
        scorer.score("warm up")
        started = time.process_time()
        scores = [scorer.score(text) for text in texts]
        best = min(best, (time.process_time() - started) / len(texts))
    return scores, best


def timed_conversation(scorer: FrustrationScorer, texts: Sequence[str]) -> float:
    """Mean seconds per message when each comes with the messages before it as history."""
    started = time.process_time()
    for index, text in enumerate(texts):
        scorer.score(text, history=texts[max(0, index - HISTORY_TURNS) : index])
    return (time.process_time() - started) / len(texts)


def print_report(
    examples: Sequence[Example],
    scores: Sequence[float],
    compounds: Sequence[float],
    threshold: float,
) -> None:
    """Print the scorer's metrics, the VADER baseline and the threshold sweep."""
    labels = [example.label for example in examples]
    header = f"{'':28s} {'precision':>9s} {'recall':>6s} {'f1':>6s} {'accuracy':>8s}"
    print(header)
    scorer_metrics = metrics([score >= threshold for score in scores], labels)
    print(f"{f'scorer @ {threshold:g}':28s} {scorer_metrics.row()}")
    baseline = {
        cut: metrics([value <= cut for value in compounds], labels) for cut in VADER_CUTOFFS
    }
    print(f"{'vader compound <= -0.05':28s} {baseline[-0.05].row()}")
    best_cut = max(baseline, key=lambda cut: baseline[cut].f1)
    print(f"{f'vader compound <= {best_cut:g} (best)':28s} {baseline[best_cut].row()}")
    print("\nthreshold sweep (scorer)")
    print(header)
    for candidate in sorted({*SWEEP, threshold}):
        marker = " <" if candidate == threshold else ""
        row = metrics([score >= candidate for score in scores], labels).row()
        print(f"{candidate:28.2f} {row}{marker}")


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help=f"CSV with text,label (default {DEFAULT_DATA})",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="default: frustration.threshold in settings.yml",
    )
    args = parser.parse_args(argv)
    if args.threshold is not None and not 0.0 < args.threshold < 1.0:
        parser.error(f"--threshold must be between 0 and 1 (exclusive), got {args.threshold}")
    return args


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Run the evaluation and print the report."""
    args = parse_args(argv)
    if not args.data.is_file():
        sys.exit(
            f"No evaluation data at {args.data}. Pass --data FILE.csv (columns text,label; 1 = frustrated)."
        )
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    examples = read_examples(args.data)
    texts = [example.text for example in examples]
    scores, seconds = timed_scores(lambda: FrustrationScorer(args.threshold), texts, REPEAT)
    scorer = FrustrationScorer(args.threshold)
    in_conversation = timed_conversation(scorer, texts)
    vader = SentimentIntensityAnalyzer()
    compounds = [vader.polarity_scores(text)["compound"] for text in texts]
    positives = sum(example.label for example in examples)
    print(f"{args.data}: {len(examples)} messages, {positives} frustrated")
    print(
        f"mean CPU time per message: {seconds * 1e6:.0f} µs alone (best of {REPEAT} passes), "
        f"{in_conversation * 1e6:.0f} µs with {HISTORY_TURNS} earlier messages as history\n"
    )
    print_report(examples, scores, compounds, scorer.threshold)


if __name__ == "__main__":
    main()
