"""Which variant of the frustration model's customer-service stage catches more within the calm budget? Training data only.

Fits the model as `rasa train` does (5 folds, domain gate, calm-budget cut) once per variant and
fold seed, the texts encoded once and reused. Per variant and seed, out-of-fold over all our
texts: F1, precision, recall and calm texts flagged at the trained operating point, the recall
at the lowest score cut that flags at most 0.5% of the calm texts (training's `budget_threshold`,
every score a candidate) and the average precision. Then the means over the seeds and the rule
fixed before the run (docs/frustration.md): a variant passes if its mean recall within the budget
is at least 0.02 above today's model's and its mean average precision (three decimals) is not below
today's; of those that pass, the highest mean recall is the choice. No evaluation file is read.

The variants that are not a training option of the shipped model (no class weighting, a head on
the embedding, plain copies of our texts) were not adopted and live here: each composes the
product's building blocks (`bot.nlu.frustration_model`) with its own fold decisions.

    python bench/frustration_variant_cv.py [--seeds 14 1] [--variants today c4 ...]
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import warnings
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "bench"))

import numpy as np  # noqa: E402
from scipy import sparse  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

from bot.nlu.frustration_corpus import LabelledText  # noqa: E402
from bot.nlu.frustration_model import (  # noqa: E402
    Embedder,
    FoldDecisions,
    RedditAnger,
    ServiceTraining,
    TextFeatures,
    TrainingOptions,
    fit,
    gate_comments,
    operating_point,
    our_texts,
    service_classifier,
    service_rows,
)
from frustration_data_cv import corpus_of, recall_within_budget  # noqa: E402
from frustration_encoder_cv import CachedEmbeddings, OutOfFoldScores, average_precision, figures  # noqa: E402

RECALL_GAIN = 0.02
HEAD_KINDS = ("logistic", "perceptron")
_PUNCTUATION = re.compile(r"[^\w\s]")
Layer = Tuple[np.ndarray, np.ndarray]


class EmbeddingHead:
    """Log-odds of frustration from the sentence embedding alone: ReLU hidden layers, then a linear output.

    Either a logistic regression or a one-hidden-layer perceptron, kept as plain weight arrays.
    """

    def __init__(self, layers: Sequence[Layer]) -> None:
        """Keep the (weights, bias) pairs, input side first; the last one gives the log-odds."""
        self.layers: List[Layer] = [
            (np.asarray(weights, dtype=np.float64), np.asarray(bias, dtype=np.float64).reshape(-1)) for weights, bias in layers
        ]

    @classmethod
    def fit(cls, kind: str, vectors: np.ndarray, labels: np.ndarray, seed: int) -> "EmbeddingHead":
        """Train a `kind` head (one of HEAD_KINDS) on embeddings and 0/1 labels."""
        if kind == "logistic":
            classifier = LogisticRegression(C=1.0, solver="liblinear", class_weight="balanced", random_state=seed)
            classifier.fit(vectors, labels)
            return cls([(classifier.coef_.T, classifier.intercept_)])
        if kind == "perceptron":
            network = MLPClassifier(hidden_layer_sizes=(64,), alpha=1e-3, max_iter=300, random_state=seed)
            with warnings.catch_warnings():  # a fixed budget of 300 passes, converged or not
                warnings.simplefilter("ignore", ConvergenceWarning)
                network.fit(vectors, labels)
            return cls(list(zip(network.coefs_, network.intercepts_)))
        raise ValueError(f"unknown embedding head {kind!r}; expected one of {HEAD_KINDS}")

    def decisions(self, vectors: np.ndarray) -> np.ndarray:
        """One log-odds per row of `vectors`."""
        values = np.asarray(vectors, dtype=np.float64).reshape(-1, self.layers[0][0].shape[0])
        for weights, bias in self.layers[:-1]:
            values = np.maximum(values @ weights + bias, 0.0)
        weights, bias = self.layers[-1]
        return (values @ weights + bias)[:, 0]


def plain_copy(text: str) -> str:
    """The text as a hurried customer types it: lower case, no punctuation, single spaces."""
    return " ".join(_PUNCTUATION.sub("", text).lower().split())


def plain_copies(in_domain: Sequence[LabelledText]) -> List[Tuple[int, str]]:
    """(row, copy) for each of our texts whose `plain_copy` differs from it and is not blank."""
    copies = ((row, plain_copy(example.text)) for row, example in enumerate(in_domain))
    return [(row, text) for row, text in copies if text and text != in_domain[row].text]


@dataclasses.dataclass(frozen=True)
class Setup:
    """What a fold-decisions variant builds on: the options, the fitted Reddit stage and the encoder."""

    options: TrainingOptions
    reddit: RedditAnger
    encode: Embedder


def unweighted(training: ServiceTraining, setup: Setup) -> FoldDecisions:
    """The second stage without class weighting: frustrated and calm texts weigh the same."""
    def decisions(learn: np.ndarray, held_out: np.ndarray) -> np.ndarray:
        classifier = service_classifier(setup.options).set_params(class_weight=None)
        return classifier.fit(training.matrix[learn], training.labels[learn]).decision_function(training.matrix[held_out])

    return decisions


def with_head(kind: str) -> Callable[[ServiceTraining, Setup], FoldDecisions]:
    """Today's second stage with a `kind` head on the embedding alone, the two log-odds averaged."""
    def variant(training: ServiceTraining, setup: Setup) -> FoldDecisions:
        today = training.classifier_decisions(setup.options)

        def decisions(learn: np.ndarray, held_out: np.ndarray) -> np.ndarray:
            head = EmbeddingHead.fit(kind, training.vectors[learn], training.labels[learn], setup.options.seed)
            return (today(learn, held_out) + head.decisions(training.vectors[held_out])) / 2

        return decisions

    return variant


def with_plain_copies(training: ServiceTraining, setup: Setup) -> FoldDecisions:
    """Today's second stage also learning the `plain_copies` of the fold's texts (never validated on a copy)."""
    copies = plain_copies(training.in_domain)
    originals = np.array([row for row, _ in copies], dtype=int)
    texts = [text for _, text in copies]
    scale = setup.options.embedding_scale
    rows = service_rows(training.features, setup.reddit, texts, setup.encode(texts) if scale > 0 else None, scale)
    matrix = sparse.vstack([training.matrix, rows], format="csr")
    labels = np.concatenate([training.labels, training.labels[originals]])

    def decisions(learn: np.ndarray, held_out: np.ndarray) -> np.ndarray:
        taught = np.concatenate([learn, len(training.labels) + np.flatnonzero(np.isin(originals, learn))])
        classifier = service_classifier(setup.options).fit(matrix[taught], labels[taught])
        return classifier.decision_function(matrix[held_out])

    return decisions


OPTION_VARIANTS: Dict[str, Dict[str, object]] = {
    "today": {},
    "c4": {"in_domain_regularisation": 4.0},
    "c64": {"in_domain_regularisation": 64.0},
}
FOLD_VARIANTS: Dict[str, Callable[[ServiceTraining, Setup], FoldDecisions]] = {
    "unweighted": unweighted,
    "head_lr": with_head("logistic"),
    "head_mlp": with_head("perceptron"),
    "plain_copies": with_plain_copies,
}
VARIANTS = [*OPTION_VARIANTS, *FOLD_VARIANTS]


@dataclasses.dataclass(frozen=True)
class VariantResult:
    """Our texts and a variant's out-of-fold scores at its own operating point (gate included)."""

    in_domain: List[LabelledText]
    out_of_fold_scores: np.ndarray


def fit_variant(name: str, corpus: Sequence[LabelledText], options: TrainingOptions, encode: Embedder) -> OutOfFoldScores:
    """The out-of-fold result of variant `name`: `fit` itself for an option, else `fit`'s steps with the variant's folds."""
    if name in OPTION_VARIANTS:
        return fit(corpus, dataclasses.replace(options, **OPTION_VARIANTS[name]), embed=encode)  # type: ignore[arg-type]
    return fold_variant_result(corpus, options, encode, FOLD_VARIANTS[name], with_copies=name == "plain_copies")


def fold_variant_result(
    corpus: Sequence[LabelledText],
    options: TrainingOptions,
    encode: Embedder,
    variant: Callable[[ServiceTraining, Setup], FoldDecisions],
    with_copies: bool = False,
) -> VariantResult:
    """`fit`'s out-of-fold scores with `variant`'s fold decisions (the vocabulary learnt on the plain copies too if `with_copies`)."""
    comments = [example for example in corpus if not example.in_domain]
    setup = Setup(options, RedditAnger.fit(comments, options), encode)
    in_domain = our_texts(corpus)
    texts = [example.text for example in in_domain]
    features = TextFeatures(min_df=2).fit(texts + ([text for _, text in plain_copies(in_domain)] if with_copies else []))
    training = ServiceTraining.build(in_domain, features, setup.reddit, options, encode)
    out_of_fold = training.out_of_fold(variant(training, setup))
    chat = gate_comments(comments, options, encode)
    point = operating_point(training, out_of_fold, setup.reddit.scores(training.texts), chat, options)
    return VariantResult(training.in_domain, point.scores)


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
    parser.add_argument("--variants", nargs="+", default=VARIANTS, choices=VARIANTS)
    parser.add_argument("--calm-budget", type=float, default=0.005)
    args = parser.parse_args(argv)
    names = ["today", *(name for name in args.variants if name != "today")]
    corpus = corpus_of(REPO_ROOT)
    embeddings = CachedEmbeddings()
    collected: Dict[str, List[Tuple[float, float]]] = {name: [] for name in names}
    print(f"{'variant':>13} {'seed':>4} {'F1':>6} {'P':>6} {'R':>6} {'calm@cut':>9} {'R@calm':>7} {'AP':>6}", flush=True)
    for seed in args.seeds:
        for name in names:
            result = fit_variant(name, corpus, dataclasses.replace(TrainingOptions(), seed=seed), embeddings)
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
