"""Would the MiniLM embedding help the frustration classifier's second stage? Out-of-fold, training data only.

Runs `bot.nlu.frustration_model.fit` itself once per embedding scale (the same folds, features
and F0.5 cut as `rasa train`), the texts encoded once and reused. Prints per scale the
out-of-fold F1, precision and recall on our own texts at the cut `fit` chose, and the share of
calm texts flagged. Scale 0 is the model without the embedding.

    python bench/frustration_encoder_cv.py [--scales 0 1 2 4 8] [--seed 14]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Protocol, Sequence

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402

from bot.nlu.frustration_corpus import LabelledText, training_corpus  # noqa: E402
from bot.nlu.frustration_model import TrainingOptions, fit  # noqa: E402
from bot.nlu.sentence_encoder import shared_encoder  # noqa: E402


class CachedEmbeddings:
    """Encodes each text once across the runs of `fit` (the embedding does not depend on the scale)."""

    def __init__(self) -> None:
        """Nothing encoded yet."""
        self._vectors: Dict[str, np.ndarray] = {}
        self.seconds = 0.0

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Rows for `texts`, encoding in one batch those not seen before."""
        new = sorted({text for text in texts if text not in self._vectors})
        if new:
            started = time.perf_counter()
            self._vectors.update(zip(new, shared_encoder().encode(new)))
            self.seconds += time.perf_counter() - started
        return np.stack([self._vectors[text] for text in texts])


class OutOfFoldScores(Protocol):
    """What the figures read: our texts and their out-of-fold scores (0.5 = the operating point), as a `FitResult` has them."""

    in_domain: List[LabelledText]
    out_of_fold_scores: np.ndarray


def figures(result: OutOfFoldScores) -> tuple[float, float, float, float]:
    """F1, precision, recall and calm-flagged share of the out-of-fold scores at the operating point (0.5)."""
    predicted = result.out_of_fold_scores >= 0.5
    positives = np.array([example.frustrated for example in result.in_domain], dtype=bool)
    true_positive = float(np.sum(predicted & positives))
    precision = true_positive / max(float(np.sum(predicted)), 1.0)
    recall = true_positive / max(float(np.sum(positives)), 1.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    calm_flagged = float(np.sum(predicted & ~positives)) / max(float(np.sum(~positives)), 1.0)
    return f1, precision, recall, calm_flagged


def calm_flagged_at_recall(result: OutOfFoldScores, recall: float) -> float:
    """Share of calm texts scored at least as high as the cut that catches `recall` of the frustrated ones."""
    positives = np.array([example.frustrated for example in result.in_domain], dtype=bool)
    scores = result.out_of_fold_scores
    caught = int(np.ceil(recall * np.sum(positives)))
    cut = np.sort(scores[positives])[::-1][max(caught, 1) - 1]
    return float(np.sum((scores >= cut) & ~positives)) / max(float(np.sum(~positives)), 1.0)


def average_precision(result: OutOfFoldScores) -> float:
    """Average precision of the out-of-fold scores (area under the precision-recall curve, no cut)."""
    from sklearn.metrics import average_precision_score

    positives = [example.frustrated for example in result.in_domain]
    return float(average_precision_score(positives, result.out_of_fold_scores))


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the comparison and print one line per scale."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.0, 1.0, 2.0, 4.0, 8.0])
    parser.add_argument("--seed", type=int, default=TrainingOptions().seed, help="fold seed (rasa train's by default)")
    args = parser.parse_args(argv)
    options = dataclasses.replace(TrainingOptions(), seed=args.seed)
    from rasa.shared.nlu.training_data.loading import load_data

    nlu = load_data(str(REPO_ROOT / "data" / "nlu")).intent_examples
    corpus = training_corpus([(m.get("text") or "", m.get("intent") or "") for m in nlu])
    in_domain = [example for example in corpus if example.in_domain]
    frustrated = sum(example.frustrated for example in in_domain)
    print(f"{len(in_domain)} in-domain texts, {frustrated} frustrated; {options.folds}-fold out-of-fold, cut = lowest with at most {options.calm_budget:.1%} of calm texts flagged")
    print(f"{'scale':>6} {'F1':>6} {'P':>6} {'R':>6} {'calm flagged':>12} {'at R 0.75':>10} {'at R 0.80':>10} {'AP':>6}")
    embeddings = CachedEmbeddings()
    for scale in args.scales:
        result = fit(corpus, dataclasses.replace(options, embedding_scale=scale), embed=embeddings)
        f1, precision, recall, calm = figures(result)
        at_75, at_80 = calm_flagged_at_recall(result, 0.75), calm_flagged_at_recall(result, 0.80)
        print(f"{scale:6.2f} {f1:6.3f} {precision:6.3f} {recall:6.3f} {calm:12.3%} {at_75:10.3%} {at_80:10.3%} "
              f"{average_precision(result):6.3f}")
    print(f"encoded the in-domain texts in {embeddings.seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
