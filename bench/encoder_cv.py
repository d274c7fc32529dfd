"""Cross-validate the intent classifier on data/nlu with and without the MiniLM sentence embedding.

Training data only: k-fold over data/nlu (in-scope examples stratified; out-of-scope ones in
contiguous blocks of the file, which is written topic by topic, so rejection is measured on topics
the fold did not train on), the sparse featurizers of config.yml fitted
on each training fold with Rasa's own components, the embedding (made once per text; it learns
nothing from the data) stacked after them times each `--scales` value, then the same logistic
regression as `BlankSafeLogisticRegressionClassifier` and the FallbackClassifier threshold.
Prints, per setting: accuracy over in-scope examples (a fallback counts as wrong), out-of-scope
rejection (out_of_scope examples predicted `out_of_scope` or `nlu_fallback`), accuracy overall.

    python bench/encoder_cv.py [--folds 5] [--repeats 2] [--scales 0 1 2 4] [--shared-oos-with REV]

`--shared-oos-with REV` also prints the rejection over only the out-of-scope examples REV's data has,
so that new out-of-scope examples do not change what is measured.

Scale 0 means no embedding: the pipeline as it was before the featurizer.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402
from ruamel.yaml import YAML  # noqa: E402

OUT_OF_SCOPE = "out_of_scope"
FALLBACK = "nlu_fallback"
SENTENCE_COUNTS = "bot.nlu.sentence_count_featurizer.SentenceCountVectorsFeaturizer"
SENTENCE_PATTERNS = "bot.nlu.sentence_regex_featurizer.SentenceRegexFeaturizer"
SPARSE_COMPONENTS = ("WhitespaceTokenizer", "RegexFeaturizer", "CountVectorsFeaturizer", SENTENCE_COUNTS, SENTENCE_PATTERNS)


@dataclass(frozen=True)
class FoldScores:
    """Counts over the held-out examples of every fold for one setting."""

    in_scope_correct: int
    in_scope: int
    rejected: int
    out_of_scope: int

    @property
    def in_scope_accuracy(self) -> float:
        """Share of in-scope examples given their own intent."""
        return self.in_scope_correct / max(self.in_scope, 1)

    @property
    def rejection(self) -> float:
        """Share of out-of-scope examples predicted out_of_scope or nlu_fallback."""
        return self.rejected / max(self.out_of_scope, 1)

    @property
    def accuracy(self) -> float:
        """Share of all examples handled right (a rejected out-of-scope example counts as right)."""
        return (self.in_scope_correct + self.rejected) / max(self.in_scope + self.out_of_scope, 1)


def pipeline_settings(config_path: Path) -> Dict[str, Any]:
    """The sparse components' options, the classifier's options and the fallback threshold in config.yml."""
    pipeline = YAML(typ="safe").load(config_path.read_text(encoding="utf-8"))["pipeline"]
    sparse = [step for step in pipeline if step["name"] in SPARSE_COMPONENTS]
    classifier = next(step for step in pipeline if step["name"].endswith("LogisticRegressionClassifier"))
    fallback = next(step for step in pipeline if step["name"].endswith("FallbackClassifier"))
    return {"sparse": sparse, "classifier": classifier, "threshold": float(fallback["threshold"])}


class SparseFeatures:
    """config.yml's tokenizer and sparse featurizers, fitted on one training fold with Rasa's classes."""

    def __init__(self, steps: Sequence[Dict[str, Any]], storage_dir: Path) -> None:
        """Instantiate every step with its config.yml options."""
        from rasa.engine.graph import ExecutionContext, GraphSchema
        from rasa.engine.storage.local_model_storage import LocalModelStorage
        from rasa.engine.storage.resource import Resource
        from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
        from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
        from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer

        from bot.nlu.sentence_count_featurizer import SentenceCountVectorsFeaturizer
        from bot.nlu.sentence_regex_featurizer import SentenceRegexFeaturizer

        classes = {"WhitespaceTokenizer": WhitespaceTokenizer, "RegexFeaturizer": RegexFeaturizer,
                   "CountVectorsFeaturizer": CountVectorsFeaturizer, SENTENCE_COUNTS: SentenceCountVectorsFeaturizer,
                   SENTENCE_PATTERNS: SentenceRegexFeaturizer}
        storage = LocalModelStorage(storage_dir)
        self.components = []
        for index, step in enumerate(steps):
            component_class = classes[step["name"]]
            options = {key: value for key, value in step.items() if key != "name"}
            config = {**component_class.get_default_config(), **options}
            context = ExecutionContext(GraphSchema({}), f"{step['name']}{index}")
            self.components.append(component_class.create(config, storage, Resource(f"step{index}"), context))

    def fit(self, training_data: Any) -> None:
        """Train each step on the fold and featurize the fold, in pipeline order."""
        for component in self.components:
            if hasattr(component, "train"):
                component.train(training_data)
            component.process_training_data(training_data)

    def featurize(self, messages: List[Any]) -> None:
        """Featurize held-out messages as at prediction time."""
        for component in self.components:
            component.process(messages)


def sparse_matrix(messages: Sequence[Any]) -> Any:
    """The sentence-feature matrix the intent classifier builds (sparse blocks only here)."""
    from bot.nlu.intent_classifier import sentence_feature_matrix

    return sentence_feature_matrix(messages)


def fold_predictions(train_x: Any, train_y: Sequence[str], test_x: Any, options: Dict[str, Any], threshold: float) -> List[str]:
    """Fit Rasa's logistic regression settings; top intent, or `nlu_fallback` below the threshold."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(solver=options.get("solver", "lbfgs"), max_iter=options.get("max_iter", 100),
                             class_weight="balanced", tol=options.get("tol", 1e-4),
                             random_state=options.get("random_state", 42))
    clf.fit(train_x, train_y)
    probabilities = clf.predict_proba(test_x)
    best = probabilities.argmax(axis=1)
    return [FALLBACK if probabilities[row, col] < threshold else str(clf.classes_[col]) for row, col in enumerate(best)]


def score(gold: Sequence[str], predicted: Sequence[str]) -> FoldScores:
    """Counts for in-scope accuracy and out-of-scope rejection."""
    pairs = list(zip(gold, predicted))
    return FoldScores(
        in_scope_correct=sum(1 for g, p in pairs if g != OUT_OF_SCOPE and g == p),
        in_scope=sum(1 for g, _ in pairs if g != OUT_OF_SCOPE),
        rejected=sum(1 for g, p in pairs if g == OUT_OF_SCOPE and p in (OUT_OF_SCOPE, FALLBACK)),
        out_of_scope=sum(1 for g, _ in pairs if g == OUT_OF_SCOPE),
    )


def add(total: Optional[FoldScores], scores: FoldScores) -> FoldScores:
    """Sum of two count sets."""
    if total is None:
        return scores
    return FoldScores(total.in_scope_correct + scores.in_scope_correct, total.in_scope + scores.in_scope,
                      total.rejected + scores.rejected, total.out_of_scope + scores.out_of_scope)


def fold_indices(labels: np.ndarray, folds: int, seed: int) -> List[Tuple[np.ndarray, np.ndarray]]:
    """(train, test) index pairs: in-scope examples stratified and shuffled; out-of-scope ones in
    contiguous blocks of the file, so each fold's out-of-scope examples are mostly topics unseen in training."""
    from sklearn.model_selection import StratifiedKFold

    in_scope = np.flatnonzero(labels != OUT_OF_SCOPE)
    out_of_scope_blocks = np.array_split(np.flatnonzero(labels == OUT_OF_SCOPE), folds)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    pairs = []
    for fold, (_, test_in_scope) in enumerate(splitter.split(in_scope, labels[in_scope])):
        test = np.concatenate([in_scope[test_in_scope], out_of_scope_blocks[(fold + seed) % folds]])
        pairs.append((np.setdiff1d(np.arange(len(labels)), test), test))
    return pairs


@dataclass(frozen=True)
class FoldPredictions:
    """One fold's held-out examples at one scale: their texts, gold intents and predictions."""

    scale: float
    texts: List[str]
    gold: List[str]
    predicted: List[str]


def out_of_fold_predictions(
    nlu_dir: Path, config_path: Path, folds: int, repeats: int, scales: Sequence[float]
) -> Iterator[FoldPredictions]:
    """Every fold's predictions for every scale (0 = no embedding), over `repeats` shuffles of `folds` folds."""
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from scipy.sparse import csr_matrix, hstack
    from bot.nlu.sentence_encoder import shared_encoder

    settings = pipeline_settings(config_path)
    data = load_data(str(nlu_dir))
    examples = data.intent_examples
    texts = [m.get("text") for m in examples]
    labels = np.asarray([m.get("intent") for m in examples])
    started = time.perf_counter()
    embeddings = shared_encoder().encode(texts)
    print(f"encoded {len(texts)} examples in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    for repeat in range(repeats):
        for train_index, test_index in fold_indices(labels, folds, repeat):
            train_messages = [Message.build(text=texts[i], intent=labels[i]) for i in train_index]
            test_messages = [Message.build(text=texts[i]) for i in test_index]
            training = TrainingData(train_messages, entity_synonyms=data.entity_synonyms,
                                    regex_features=data.regex_features, lookup_tables=data.lookup_tables)
            with tempfile.TemporaryDirectory() as storage_dir:
                sparse = SparseFeatures(settings["sparse"], Path(storage_dir))
                sparse.fit(training)
                sparse.featurize(test_messages)
            train_sparse, test_sparse = sparse_matrix(train_messages), sparse_matrix(test_messages)
            for scale in scales:
                train_x, test_x = train_sparse, test_sparse
                if scale:
                    train_x = hstack([train_sparse, csr_matrix(embeddings[train_index] * scale)], format="csr")
                    test_x = hstack([test_sparse, csr_matrix(embeddings[test_index] * scale)], format="csr")
                predicted = fold_predictions(train_x, labels[train_index], test_x, settings["classifier"], settings["threshold"])
                yield FoldPredictions(scale, [texts[i] for i in test_index], list(labels[test_index]), predicted)


def cross_validate(
    nlu_dir: Path, config_path: Path, folds: int, repeats: int, scales: Sequence[float], oos_texts: Optional[Set[str]] = None
) -> Tuple[Dict[float, FoldScores], Dict[float, FoldScores]]:
    """Out-of-fold counts for every scale over all examples, and over only the out-of-scope examples
    whose text is in `oos_texts` (empty counts when it is None)."""
    totals: Dict[float, FoldScores] = {}
    shared: Dict[float, FoldScores] = {}
    for fold in out_of_fold_predictions(nlu_dir, config_path, folds, repeats, scales):
        totals[fold.scale] = add(totals.get(fold.scale), score(fold.gold, fold.predicted))
        keep = [i for i, text in enumerate(fold.texts) if oos_texts is not None and fold.gold[i] == OUT_OF_SCOPE and text in oos_texts]
        kept = score([fold.gold[i] for i in keep], [fold.predicted[i] for i in keep])
        shared[fold.scale] = add(shared.get(fold.scale), kept)
    return totals, shared


def out_of_scope_texts_of(revision: str) -> Set[str]:
    """The out_of_scope examples in `revision`'s data/nlu/out_of_scope.yml (git show; the work tree untouched)."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    shown = subprocess.run(["git", "-C", str(REPO_ROOT), "show", f"{revision}:data/nlu/out_of_scope.yml"],
                           check=True, capture_output=True, text=True).stdout
    examples = RasaYAMLReader().reads(shown).intent_examples
    return {m.get("text") for m in examples if m.get("intent") == OUT_OF_SCOPE}


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the cross-validation and print one line per scale."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nlu", type=Path, default=REPO_ROOT / "data" / "nlu")
    parser.add_argument("--config", type=Path, default=REPO_ROOT / "config.yml")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--scales", type=float, nargs="+", default=[0.0, 1.0, 2.0, 4.0])
    parser.add_argument("--shared-oos-with", metavar="REV",
                        help="also count rejection over only the out-of-scope texts of this commit's data (new ones left out)")
    args = parser.parse_args(argv)
    from bot.trainer.nlu_scoring import quiet_rasa

    quiet_rasa()
    oos_texts = out_of_scope_texts_of(args.shared_oos_with) if args.shared_oos_with else None
    results, shared = cross_validate(args.nlu, args.config, args.folds, args.repeats, args.scales, oos_texts)
    print(f"{args.folds}-fold CV x {args.repeats} on {args.nlu}")
    print(f"{'scale':>6} {'in-scope acc':>12} {'oos rejection':>13} {'overall':>8}")
    for scale, scores in results.items():
        print(f"{scale:6.2f} {scores.in_scope_accuracy:12.3f} {scores.rejection:13.3f} {scores.accuracy:8.3f}"
              f"   ({scores.in_scope} in scope, {scores.out_of_scope} out of scope)")
        if oos_texts is not None:
            print(f"{'':6} oos rejection over the {len(oos_texts)} out-of-scope texts of {args.shared_oos_with}: "
                  f"{shared[scale].rejection:.3f} ({shared[scale].out_of_scope} predictions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
