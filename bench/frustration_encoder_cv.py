"""Would the MiniLM embedding help the frustration classifier's second stage? Out-of-fold, training data only.

Builds the second stage's rows as `bot.nlu.frustration_model.fit` does (in-domain n-grams,
shouting columns, the Reddit stage's log-odds), optionally stacks the sentence embedding times a
scale, and runs the same stratified folds. Prints per scale the out-of-fold F1, precision and
recall on our own texts at the threshold `fit` would choose (best F0.5 on the same out-of-fold
probabilities), and the share of calm texts flagged. Scale 0 is the model as it is.

    python bench/frustration_encoder_cv.py [--scales 0 1 2 4 8]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402
from scipy import sparse  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from bot.nlu.frustration_corpus import training_corpus  # noqa: E402
from bot.nlu.frustration_model import (  # noqa: E402
    RedditAnger,
    TextFeatures,
    TrainingOptions,
    _second_stage,
    _stacked,
    choose_threshold,
)
from bot.nlu.sentence_encoder import shared_encoder  # noqa: E402


def out_of_fold(matrix: sparse.csr_matrix, labels: np.ndarray, options: TrainingOptions) -> np.ndarray:
    """Second-stage probabilities of every row from a model that did not see it (fit's folds)."""
    probabilities = np.zeros(len(labels))
    folds = StratifiedKFold(n_splits=options.folds, shuffle=True, random_state=options.seed)
    for train_rows, held_out_rows in folds.split(matrix, labels):
        model = _second_stage(options).fit(matrix[train_rows], labels[train_rows])
        probabilities[held_out_rows] = model.predict_proba(matrix[held_out_rows])[:, 1]
    return probabilities


def figures(probabilities: np.ndarray, labels: np.ndarray, beta: float) -> tuple[float, float, float, float]:
    """F1, precision, recall and calm-flagged share at the F-beta-best cut."""
    cut = choose_threshold(probabilities, labels.astype(bool), beta)
    predicted = probabilities >= cut
    positives = labels.astype(bool)
    true_positive = float(np.sum(predicted & positives))
    precision = true_positive / max(float(np.sum(predicted)), 1.0)
    recall = true_positive / max(float(np.sum(positives)), 1.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    calm_flagged = float(np.sum(predicted & ~positives)) / max(float(np.sum(~positives)), 1.0)
    return f1, precision, recall, calm_flagged


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the comparison and print one line per scale."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.0, 1.0, 2.0, 4.0, 8.0])
    args = parser.parse_args(argv)
    options = TrainingOptions()
    from rasa.shared.nlu.training_data.loading import load_data

    nlu = load_data(str(REPO_ROOT / "data" / "nlu")).intent_examples
    corpus = training_corpus([(m.get("text") or "", m.get("intent") or "") for m in nlu])
    reddit, _ = RedditAnger.fit([example for example in corpus if not example.in_domain], options)
    in_domain = sorted((e for e in corpus if e.in_domain), key=lambda e: (e.group, e.text, e.frustrated))
    texts = [example.text for example in in_domain]
    labels = np.array([example.frustrated for example in in_domain], dtype=int)
    base = _stacked(TextFeatures(min_df=2).fit(texts), reddit, texts)
    started = time.perf_counter()
    embeddings = shared_encoder().encode(texts)
    print(f"encoded {len(texts)} in-domain texts in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print(f"{len(texts)} in-domain texts, {int(labels.sum())} frustrated; {options.folds}-fold out-of-fold, cut = best F{options.beta}")
    print(f"{'scale':>6} {'F1':>6} {'P':>6} {'R':>6} {'calm flagged':>12}")
    for scale in args.scales:
        matrix = base if not scale else sparse.hstack([base, sparse.csr_matrix(embeddings * scale)], format="csr")
        f1, precision, recall, calm = figures(out_of_fold(matrix, labels, options), labels, options.beta)
        print(f"{scale:6.2f} {f1:6.3f} {precision:6.3f} {recall:6.3f} {calm:12.3%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
