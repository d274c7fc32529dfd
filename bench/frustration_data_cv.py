"""Did new training texts make the frustration model better? Out-of-fold, training data only, several fold seeds.

Fits the model as `rasa train` does (5 folds, the operating point chosen within the calm budget) on
the data of this tree and on the data of an earlier commit, once per fold seed, and scores both on
the texts they share (same text, same label), so that new hard examples do not change what is
measured. Per seed and data: F1, precision and recall at the chosen cut, calm texts flagged at the
cut and at recall 0.75 / 0.80, average precision, and the recall left when at most `--calm-budget`
of calm texts may be flagged, with the score cut that gives it (0.5 is the trained operating point).

    python bench/frustration_data_cv.py --base 06b69ea [--seeds 14 1 2] [--calm-budget 0.005]
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace
from typing import List, Optional, Sequence, Set, Tuple

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "bench"))

import numpy as np  # noqa: E402

from bot.nlu.frustration_corpus import LabelledText, training_corpus  # noqa: E402
from bot.nlu.frustration_model import TrainingOptions, budget_threshold, fit  # noqa: E402
from frustration_encoder_cv import CachedEmbeddings, OutOfFoldScores, average_precision, calm_flagged_at_recall, figures  # noqa: E402


def corpus_of(root: Path) -> List[LabelledText]:
    """The frustration model's training corpus built from `root`'s data/nlu and data/frustration."""
    from rasa.shared.nlu.training_data.loading import load_data

    nlu = load_data(str(root / "data" / "nlu")).intent_examples
    pairs = [(message.get("text") or "", message.get("intent") or "") for message in nlu]
    return training_corpus(pairs, root / "data" / "frustration")


def checkout_data(revision: str, into: Path) -> Path:
    """Write `revision`'s data/ folder under `into` (git archive, the work tree untouched); returns `into`."""
    archive = subprocess.run(["git", "-C", str(REPO_ROOT), "archive", revision, "data"], check=True, capture_output=True)
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(into)
    return into


def labelled_keys(corpus: Sequence[LabelledText]) -> Set[Tuple[str, bool]]:
    """Our own texts of a corpus as (text, frustrated) pairs."""
    return {(example.text, example.frustrated) for example in corpus if example.in_domain}


def recall_within_budget(result: OutOfFoldScores, budget: float) -> Tuple[float, float]:
    """Recall at the lowest score cut that flags at most `budget` of the calm texts, and that cut
    (training's own rule, `budget_threshold`, with every score a candidate)."""
    positives = np.array([example.frustrated for example in result.in_domain], dtype=bool)
    scores = np.asarray(result.out_of_fold_scores)
    cut = budget_threshold(scores, positives, budget, decimals=None)
    return float(np.mean(scores[positives] >= cut)), cut


def restricted(result: OutOfFoldScores, keys: Set[Tuple[str, bool]]) -> OutOfFoldScores:
    """The out-of-fold scores of only the texts in `keys` (a stand-in with the fields the figures read)."""
    keep = [index for index, example in enumerate(result.in_domain) if (example.text, example.frustrated) in keys]
    return SimpleNamespace(  # type: ignore[return-value]
        in_domain=[result.in_domain[index] for index in keep], out_of_fold_scores=np.asarray(result.out_of_fold_scores)[keep]
    )


def report_line(name: str, result: OutOfFoldScores, budget: float) -> str:
    """One row of figures."""
    f1, precision, recall, calm = figures(result)
    budget_recall, cut = recall_within_budget(result, budget)
    return (
        f"{name:10s} {len(result.in_domain):6d} {f1:6.3f} {precision:6.3f} {recall:6.3f} {calm:9.3%} "
        f"{calm_flagged_at_recall(result, 0.75):9.3%} {calm_flagged_at_recall(result, 0.80):9.3%} "
        f"{average_precision(result):6.3f} {budget_recall:9.3f} {cut:6.3f}"
    )


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the earlier commit whose data to compare with")
    parser.add_argument("--seeds", type=int, nargs="+", default=[14, 1, 2], help="fold seeds (14 is rasa train's)")
    parser.add_argument("--calm-budget", type=float, default=0.005, help="share of calm texts that may be flagged")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Fit both data sets per seed and print the figures."""
    args = parse_args(argv)
    embeddings = CachedEmbeddings()
    with tempfile.TemporaryDirectory() as folder:
        corpora = {"base": corpus_of(checkout_data(args.base, Path(folder))), "this tree": corpus_of(REPO_ROOT)}
        shared = labelled_keys(corpora["base"]) & labelled_keys(corpora["this tree"])
        print(f"base {args.base}; {len(shared)} distinct texts in both with the same label; 5-fold out-of-fold, cut = the trained operating point (calm budget)")
        print(
            f"{'':10s} {'texts':>6s} {'F1':>6s} {'P':>6s} {'R':>6s} {'calm@cut':>9s} {'calm@R.75':>9s} {'calm@R.80':>9s} "
            f"{'AP':>6s} {f'R@calm{args.calm_budget:.1%}':>9s} {'cut':>6s}"
        )
        for seed in args.seeds:
            options = dataclasses.replace(TrainingOptions(), seed=seed)
            for name, corpus in corpora.items():
                result = fit(corpus, options, embed=embeddings)
                print(f"seed {seed}, data of {name}")
                print(report_line("  all", result, args.calm_budget))
                print(report_line("  shared", restricted(result, shared), args.calm_budget))
    return 0


if __name__ == "__main__":
    sys.exit(main())
