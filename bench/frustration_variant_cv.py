"""Which variant of the frustration model's customer-service stage catches more within the calm budget? Training data only.

Fits the model as `rasa train` does (5 folds, domain gate, calm-budget cut) once per variant and
fold seed, the texts encoded once and reused. Per variant and seed, out-of-fold over all our
texts: F1, precision, recall and calm texts flagged at the trained operating point, the recall
at the lowest score cut that flags at most 0.5% of the calm texts (training's `budget_threshold`,
every score a candidate) and the average precision. Then the means over the seeds and the rule
fixed before the run (docs/frustration.md): a variant passes if its mean recall within the budget
is at least 0.02 above today's model's and its mean average precision (three decimals) is not below
today's; of those that pass, the highest mean recall is the choice. No evaluation file is read.

    python bench/frustration_variant_cv.py [--seeds 14 1] [--variants today c4 ...]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "bench"))

import numpy as np  # noqa: E402

from bot.nlu.frustration_model import TrainingOptions, fit  # noqa: E402
from frustration_data_cv import corpus_of, recall_within_budget  # noqa: E402
from frustration_encoder_cv import CachedEmbeddings, average_precision, figures  # noqa: E402

RECALL_GAIN = 0.02
VARIANTS: Dict[str, Dict[str, object]] = {
    "today": {},
    "c4": {"in_domain_regularisation": 4.0},
    "c64": {"in_domain_regularisation": 64.0},
    "unweighted": {"in_domain_class_weight": None},
    "head_lr": {"embedding_head": "logistic"},
    "head_mlp": {"embedding_head": "perceptron"},
    "plain_copies": {"plain_copies": True},
}


def verdicts(means: Dict[str, Tuple[float, float]]) -> Tuple[Dict[str, bool], Optional[str]]:
    """Which variants pass the rule against `today`, and the chosen one (None: keep today's model)."""
    base_recall, base_precision = means["today"]
    passed = {
        name: recall >= base_recall + RECALL_GAIN - 1e-12 and round(precision, 3) >= round(base_precision, 3)
        for name, (recall, precision) in means.items()
        if name != "today"
    }
    winners = [name for name, ok in passed.items() if ok]
    return passed, max(winners, key=lambda name: means[name][0]) if winners else None


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Fit every variant per seed, print the figures, the means and the verdicts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[14, 1], help="fold seeds (14 is rasa train's)")
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--calm-budget", type=float, default=0.005)
    args = parser.parse_args(argv)
    names = ["today", *(name for name in args.variants if name != "today")]
    corpus = corpus_of(REPO_ROOT)
    embeddings = CachedEmbeddings()
    collected: Dict[str, List[Tuple[float, float]]] = {name: [] for name in names}
    print(f"{'variant':>13} {'seed':>4} {'F1':>6} {'P':>6} {'R':>6} {'calm@cut':>9} {'R@calm':>7} {'AP':>6}", flush=True)
    for seed in args.seeds:
        for name in names:
            options = dataclasses.replace(TrainingOptions(), seed=seed, **VARIANTS[name])
            result = fit(corpus, options, embed=embeddings)
            f1, precision, recall, calm = figures(result)
            budget_recall, _ = recall_within_budget(result, args.calm_budget)
            precision_average = average_precision(result)
            collected[name].append((budget_recall, precision_average))
            print(f"{name:>13} {seed:4d} {f1:6.3f} {precision:6.3f} {recall:6.3f} {calm:9.3%} {budget_recall:7.3f} {precision_average:6.3f}", flush=True)
    means = {name: tuple(np.mean(np.array(values), axis=0).tolist()) for name, values in collected.items()}
    passed, choice = verdicts(means)  # type: ignore[arg-type]
    print(f"\nmeans over seeds {args.seeds}: recall within {args.calm_budget:.1%} of calm texts flagged, average precision")
    for name, (recall, precision) in means.items():
        verdict = "" if name == "today" else ("passes" if passed[name] else "does not pass")
        print(f"{name:>13} {recall:7.3f} {precision:6.3f} {recall - means['today'][0]:+7.3f}  {verdict}")
    print(f"choice: {choice or 'none, today’s model stays'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
