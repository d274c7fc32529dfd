"""Train the frustration classifier as `rasa train` does, then measure it on the evaluation files.

Prints, in this order: the training cost; per category of our own examples how many are caught
(out-of-fold, since they are training data); precision, recall and F1 on `frustration_dev.csv`
(Reddit proxy) and `cs_frustration_dev.csv` (customer service); false handoffs on a first message
among the calm rows of `intents_dev.csv` (intent not request_human/complaint) and the in-scope
rows of `oos_dev.csv`; and the scoring cost per message (p50, p95). Evaluation files are only
read here, after training: nothing is chosen on them.

    python bench/frustration_eval.py [--eval-dir DIR] [--threshold X]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bot.handoff.escalation import CustomerTurn, decide  # noqa: E402  (runs as a script from any directory)
from bot.nlu.frustration_corpus import GOEMOTIONS_GROUP, NOT_CALM_INTENTS, training_corpus  # noqa: E402
from bot.nlu.frustration_model import FitResult, FrustrationModel, fit  # noqa: E402
from bot.trainer.nlu_scoring import percentile  # noqa: E402

DEFAULT_EVAL_DIR = (REPO_ROOT / "../shared/eval").resolve()
PROXY_FILE = "frustration_dev.csv"
IN_DOMAIN_FILE = "cs_frustration_dev.csv"
INTENTS_FILE = "intents_dev.csv"
OOS_FILE = "oos_dev.csv"
OUT_OF_SCOPE_INTENT = "out_of_scope"


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


def read_rows(path: Path, columns: set[str]) -> list[dict[str, str]]:
    """Rows of a CSV; exit with a message naming the file when it lacks `columns`."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not columns <= set(reader.fieldnames):
            sys.exit(f"{path}: expected columns {sorted(columns)}, got {reader.fieldnames}.")
        return list(reader)


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


def handed_off_first(model: FrustrationModel, texts: Sequence[str], threshold: float) -> list[bool]:
    """Whether each text, as the first message of a conversation, goes to a person for frustration."""
    return [decide([CustomerTurn(text, None, score)], threshold).handoff for text, score in zip(texts, model.scores(texts))]


def per_category_report(result: FitResult, threshold: float) -> str:
    """Out-of-fold catch rate of each category of our frustrated texts, flag rate of each calm one."""
    lines = [f"{'category (out-of-fold)':28s} {'frustrated':>10s} {'flagged':>8s} {'of':>5s} {'share':>6s}"]
    by_group: dict[tuple[str, bool], list[float]] = {}
    for example, score in zip(result.in_domain, result.out_of_fold_scores):
        by_group.setdefault((example.group, example.frustrated), []).append(float(score))
    for (group, frustrated), scores in sorted(by_group.items(), key=lambda item: (not item[0][1], item[0][0])):
        flagged = sum(score >= threshold for score in scores)
        label = "yes" if frustrated else "no"
        lines.append(f"{group:28s} {label:>10s} {flagged:8d} {len(scores):5d} {flagged / len(scores):6.1%}")
    return "\n".join(lines)


def labelled_report(model: FrustrationModel, path: Path, threshold: float) -> str:
    """Precision, recall, F1 and accuracy on a `text,label` file."""
    rows = read_rows(path, {"text", "label"})
    texts = [row["text"] for row in rows]
    labels = [row["label"].strip() == "1" for row in rows]
    result = metrics(handed_off_first(model, texts, threshold), labels)
    return f"{path.name:28s} {result.row()}   ({len(rows)} messages, {sum(labels)} frustrated)"


def false_handoff_report(model: FrustrationModel, path: Path, threshold: float, calm: str) -> tuple[str, list[str]]:
    """Share of calm rows that would be handed off on a first message, then the same per
    language-variation tag when the file has a `tags` column; also the texts measured."""
    rows = read_rows(path, {"text", "intent"})
    if calm == "in_scope":
        calm_rows = [row for row in rows if row["intent"] != OUT_OF_SCOPE_INTENT]
    else:
        calm_rows = [row for row in rows if row["intent"] not in NOT_CALM_INTENTS]
    texts = [row["text"] for row in calm_rows]
    handed_off = handed_off_first(model, texts, threshold)
    flagged = sum(handed_off)
    line = f"{path.name + ' (' + calm + ')':36s} {flagged:5d} of {len(texts):5d} handed off ({flagged / len(texts):.2%})"
    by_tag = handoffs_by_tag([row.get("tags") or "" for row in calm_rows], handed_off)
    if len(by_tag) > 1:
        line += "\n  by tag (each letter of `tags` on its own): " + ", ".join(
            f"{tag} {count} of {total}" for tag, (count, total) in by_tag.items()
        )
    return line, texts


def handoffs_by_tag(tags: Sequence[str], handed_off: Sequence[bool]) -> dict[str, tuple[int, int]]:
    """Per language-variation letter (Bitext's `tags`, capitals such as "BQZ"; any other value is
    one tag as a whole): handed off, rows; sorted by tag."""
    counts: dict[str, list[int]] = {}
    for value, flagged in zip(tags, handed_off, strict=True):
        value = value.strip()
        letters = set(value) if value.isascii() and value.isalpha() and value.isupper() else {value} - {""}
        for letter in sorted(letters):
            count = counts.setdefault(letter, [0, 0])
            count[0] += int(flagged)
            count[1] += 1
    return {letter: (count[0], count[1]) for letter, count in sorted(counts.items())}


def cost_report(model: FrustrationModel, texts: Sequence[str]) -> str:
    """Wall time per message of the NLU component's work (score and signals), p50 and p95."""
    model.score_with_signals("warm up")
    seconds = []
    for text in texts:
        started = time.perf_counter()
        model.score_with_signals(text)
        seconds.append(time.perf_counter() - started)
    return (
        f"scoring cost per message over {len(texts)} messages: p50 {percentile(seconds, 0.5) * 1e3:.2f} ms, "
        f"p95 {percentile(seconds, 0.95) * 1e3:.2f} ms"
    )


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR, help=f"default {DEFAULT_EVAL_DIR}")
    parser.add_argument("--threshold", type=float, default=None, help="default: frustration.threshold in settings.yml")
    args = parser.parse_args(argv)
    if args.threshold is not None and not 0.0 < args.threshold < 1.0:
        parser.error(f"--threshold must be between 0 and 1 (exclusive), got {args.threshold}")
    return args


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Train, then print the report."""
    args = parse_args(argv)
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.settings import load_settings

    threshold = args.threshold if args.threshold is not None else load_settings().frustration.threshold
    nlu = load_data(str(REPO_ROOT / "data" / "nlu"))
    corpus = training_corpus([(message.get("text") or "", message.get("intent") or "") for message in nlu.intent_examples])
    started = time.process_time()
    result = fit(corpus)
    reddit = sum(1 for example in corpus if example.group == GOEMOTIONS_GROUP)
    print(
        f"trained on {len(corpus)} texts ({reddit} GoEmotions, {len(corpus) - reddit} ours) in "
        f"{time.process_time() - started:.1f} s CPU; operating point: probability {result.model.threshold:.3f} "
        f"(chosen out-of-fold on our texts) = score 0.5; handoff threshold {threshold:g}\n"
    )
    print(per_category_report(result, threshold))
    missing = [name for name in (PROXY_FILE, IN_DOMAIN_FILE, INTENTS_FILE, OOS_FILE) if not (args.eval_dir / name).is_file()]
    if missing:
        sys.exit(f"\nNo evaluation files {missing} in {args.eval_dir}; pass --eval-dir DIR.")
    print(f"\n{'first message, score >= threshold':28s} {'precision':>9s} {'recall':>6s} {'f1':>6s} {'accuracy':>8s}")
    for name in (PROXY_FILE, IN_DOMAIN_FILE):
        print(labelled_report(result.model, args.eval_dir / name, threshold))
    print()
    measured: list[str] = []
    for name, calm in ((INTENTS_FILE, "calm intents"), (OOS_FILE, "in_scope")):
        line, texts = false_handoff_report(result.model, args.eval_dir / name, threshold, calm)
        print(line)
        measured.extend(texts)
    print("\n" + cost_report(result.model, measured))


if __name__ == "__main__":
    main()
