"""Diagnostic: how far a model fitted on the evaluation data itself gets, by k-fold cross-validation.

Our scorer is built from our own word lists and sentences and never sees `frustration_dev.csv`.
This script answers a different question: is the gap to the F1 bar about our data or about the
method? It fits TF-IDF logistic regressions on k-1 folds of the file and scores the held-out fold,
alone and with our scorer's score as one more feature. Nothing it fits is saved or used by the
assistant; it only prints out-of-fold precision, recall and F1 (at 0.5 and at the best threshold,
which is optimistic because it is chosen on the same predictions).

    python bench/frustration_ceiling.py [--data FILE.csv] [--folds 5]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bench.frustration_eval import DEFAULT_DATA, read_examples  # noqa: E402  (runs as a script)
from bot.frustration import FrustrationScorer  # noqa: E402

# Our score is one column beside thousands of small TF-IDF weights; scaled up so the regularised
# regression can give it weight without a huge coefficient.
SCORE_FEATURE_SCALE = 4


def out_of_fold_probabilities(
    texts: Sequence[str], labels: np.ndarray, scores: Optional[np.ndarray], folds: int
) -> np.ndarray:
    """P(frustrated) for every text from a model that never saw its fold."""
    predictions = np.zeros(len(texts))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=0)
    for train, test in splitter.split(np.zeros(len(texts)), labels):
        words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        characters = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
        train_texts = [texts[i] for i in train]
        test_texts = [texts[i] for i in test]
        train_parts = [words.fit_transform(train_texts), characters.fit_transform(train_texts)]
        test_parts = [words.transform(test_texts), characters.transform(test_texts)]
        if scores is not None:
            train_parts.append(csr_matrix(scores[train, None] * SCORE_FEATURE_SCALE))
            test_parts.append(csr_matrix(scores[test, None] * SCORE_FEATURE_SCALE))
        model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000, solver="liblinear")
        model.fit(hstack(train_parts).tocsr(), labels[train])
        predictions[test] = model.predict_proba(hstack(test_parts).tocsr())[:, 1]
    return predictions


def report(name: str, labels: np.ndarray, probabilities: np.ndarray) -> str:
    """One table row: P/R/F1 at 0.5, then the best F1 over thresholds with its P/R."""
    precision, recall, f1, _ = precision_recall_fscore_support(
        labels, probabilities >= 0.5, average="binary", zero_division=0
    )
    curve_p, curve_r, _ = precision_recall_curve(labels, probabilities)
    curve_f1 = 2 * curve_p * curve_r / np.maximum(curve_p + curve_r, 1e-12)
    best = int(np.argmax(curve_f1))
    return (
        f"{name:38s} {precision:6.3f} {recall:6.3f} {f1:6.3f}   "
        f"{curve_p[best]:6.3f} {curve_r[best]:6.3f} {curve_f1[best]:6.3f}"
    )


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="CSV with columns text,label")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds")
    arguments = parser.parse_args(argv)
    if not arguments.data.is_file():
        print(f"{arguments.data}: no such file (see ../shared/eval/README.md)", file=sys.stderr)
        return 2
    if arguments.folds < 2:
        print("--folds must be at least 2", file=sys.stderr)
        return 2
    examples = read_examples(arguments.data)
    texts = [example.text for example in examples]
    labels = np.array([int(example.label) for example in examples])
    scorer = FrustrationScorer()
    scores = np.array([scorer.score(text) for text in texts])
    print(f"{arguments.data}: {len(texts)} messages, {int(labels.sum())} frustrated; {arguments.folds}-fold, out of fold")
    print(f"{'':38s} {'P@0.5':>6s} {'R@0.5':>6s} {'F1@0.5':>6s}   {'P best':>6s} {'R best':>6s} {'F1 best':>7s}")
    print(report("our scorer (fitted on nothing here)", labels, scores))
    print(report("TF-IDF LR fitted on the other folds", labels, out_of_fold_probabilities(texts, labels, None, arguments.folds)))
    print(report("same + our scorer's score", labels, out_of_fold_probabilities(texts, labels, scores, arguments.folds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
