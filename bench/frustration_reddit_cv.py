"""Would the sentence embedding help the frustration model's Reddit stage? Held-out training comments only.

The GoEmotions training comments are split as `bench/frustration_gate_cv.py` splits them (20% held
out, seed 14). Today's stage (word 1-2-grams, logistic regression, cut = its best F1 on a held-out
share of what it learns from) is trained on the other 80%. The variant stacks it with the
embedding: a second logistic regression on [the word stage's out-of-fold log-odds, the sentence
embedding] trained on an encoded random sample of N learning comments (encoding every comment
takes longer than the whole cold training may), its cut the best F1 on its own 5-fold
out-of-fold predictions. Printed per N: F1, precision and recall on the held-out comments at the
stage's cut, the best F1 any cut would give there (for information only), and the encoding time.
`--as-trained` adds the stage as it was built into `fit` for the comparison (`RedditEmbedding`
below: the embedding step learns from `--embedding-sample` comments drawn as the domain gate's are,
the gate's among them, with the word step's 3-fold cross-fitted log-odds). The variant was not
adopted, so its code lives here. No evaluation file is read.

    python bench/frustration_reddit_cv.py [--samples 2000 6000 12000] [--as-trained [--embedding-sample 6000]]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "bench"))

import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from bot.log_odds import sigmoid_array  # noqa: E402
from bot.nlu.frustration_corpus import LabelledText  # noqa: E402
from bot.nlu.frustration_model import Embedder, RedditAnger, TrainingOptions, choose_threshold, reddit_classifier  # noqa: E402
from bot.nlu.sentence_encoder import shared_encoder  # noqa: E402
from frustration_data_cv import corpus_of  # noqa: E402
from frustration_gate_cv import quality, split_comments  # noqa: E402


def best_f1(values: np.ndarray, labels: np.ndarray) -> float:
    """The best F1 over every cut of `values` (an upper bound, not an operating point)."""
    cut = choose_threshold(values, labels, beta=1.0, decimals=2)
    return quality((values >= cut).astype(float), labels)[0]


class RedditEmbedding:
    """The Reddit stage's second step: its word log-odds and the sentence embedding, one logistic regression.

    Learnt from a sample of comments with the word step's out-of-fold log-odds (cross-fitted, so
    never from a word model that learnt the comment); `cut` is its best-F1 log-odds on its own
    5-fold out-of-fold predictions.
    """

    def __init__(self, classifier: LogisticRegression, cut: float) -> None:
        """Keep the fitted regression and the cut."""
        self.classifier = classifier
        self.cut = cut

    @classmethod
    def fit(cls, word_log_odds: np.ndarray, vectors: np.ndarray, labels: np.ndarray, seed: int) -> "RedditEmbedding":
        """Learn from comments' unseen word log-odds, embeddings and labels; choose the cut out-of-fold."""
        columns = _columns(word_log_odds, vectors)
        out_of_fold = np.zeros(len(labels))
        for learn, held in StratifiedKFold(n_splits=5, shuffle=True, random_state=seed).split(columns, labels):
            out_of_fold[held] = _embedding_step(seed).fit(columns[learn], labels[learn]).decision_function(columns[held])
        cut = choose_threshold(out_of_fold, labels.astype(bool), beta=1.0, decimals=2)
        return cls(_embedding_step(seed).fit(columns, labels), cut)

    def decisions(self, word_log_odds: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        """The step's log-odds (its cut not applied)."""
        return self.classifier.decision_function(_columns(word_log_odds, vectors))

    def scores(self, word_log_odds: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        """Scores in [0, 1], the cut moved to 0.5."""
        return sigmoid_array(self.decisions(word_log_odds, vectors) - self.cut)


def _columns(word_log_odds: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """The embedding step's input: the word log-odds, then the embedding."""
    return np.hstack([np.asarray(word_log_odds, dtype=np.float64).reshape(-1, 1), vectors])


def _embedding_step(seed: int) -> LogisticRegression:
    """A fresh classifier for the embedding step."""
    return LogisticRegression(C=1.0, solver="liblinear", random_state=seed)


def word_out_of_fold(reddit: RedditAnger, comments: Sequence[LabelledText], options: TrainingOptions) -> np.ndarray:
    """Each comment's word log-odds from a word step that did not learn it (3-fold cross-fitting, the stage's features)."""
    matrix = reddit.features.transform([example.text for example in comments])
    labels = np.array([example.frustrated for example in comments], dtype=int)
    out_of_fold = np.zeros(len(labels))
    for learn, held in StratifiedKFold(n_splits=3, shuffle=True, random_state=options.seed).split(matrix, labels):
        out_of_fold[held] = reddit_classifier(options).fit(matrix[learn], labels[learn]).decision_function(matrix[held])
    return out_of_fold


def as_trained(
    comments: Sequence[LabelledText], out_of_fold: np.ndarray, sample: int, options: TrainingOptions, encode: Embedder
) -> RedditEmbedding:
    """The embedding step as `fit` trained it: on `sample` comments drawn as the gate's are (a prefix of one fixed order)."""
    rows = np.sort(np.random.default_rng(options.seed + 1).permutation(len(comments))[:sample])
    vectors = np.asarray(encode([comments[row].text for row in rows]), dtype=np.float32)
    labels = np.array([comments[row].frustrated for row in rows], dtype=int)
    return RedditEmbedding.fit(out_of_fold[rows], vectors, labels, options.seed)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Fit today's stage and the stacked variants; print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, nargs="+", default=[2000, 6000, 12000])
    parser.add_argument("--as-trained", action="store_true", help="also the embedding step as it was built into `fit`")
    parser.add_argument("--embedding-sample", type=int, default=6000, help="comments the embedding step learns from, for --as-trained")
    args = parser.parse_args(argv)
    options = TrainingOptions()
    learn_corpus, held_out = split_comments(corpus_of(REPO_ROOT), options.seed)
    learn = [example for example in learn_corpus if not example.in_domain]
    learn_labels = np.array([example.frustrated for example in learn], dtype=int)
    held_texts = [example.text for example in held_out]
    held_labels = np.array([example.frustrated for example in held_out], dtype=bool)
    reddit = RedditAnger.fit(learn, options)
    out_of_fold = word_out_of_fold(reddit, learn, options)
    held_words = reddit.log_odds(held_texts)[:, 0]
    today = quality((held_words >= reddit.cut).astype(float), held_labels)
    print(f"{len(learn)} learning comments, {len(held_out)} held out ({held_labels.mean():.1%} frustrated)")
    print(f"{'stage':>22} {'F1':>6} {'P':>6} {'R':>6} {'best F1':>8} {'encoding s':>10}")
    print(f"{'words (today)':>22} {today[0]:6.3f} {today[1]:6.3f} {today[2]:6.3f} {best_f1(held_words, held_labels):8.3f} {0.0:10.1f}", flush=True)
    encoder = shared_encoder()
    started = time.perf_counter()
    held_vectors = encoder.encode(held_texts)
    print(f"held-out comments encoded in {time.perf_counter() - started:.1f} s", flush=True)
    order = np.random.default_rng(options.seed + 2).permutation(len(learn))
    vectors: dict[int, np.ndarray] = {}
    for size in sorted(args.samples):
        rows = np.sort(order[:size])
        new = [row for row in rows if row not in vectors]
        started = time.perf_counter()
        vectors.update(zip(new, encoder.encode([learn[row].text for row in new])))
        seconds = time.perf_counter() - started
        step = RedditEmbedding.fit(out_of_fold[rows], np.stack([vectors[row] for row in rows]), learn_labels[rows], options.seed)
        held_values = step.decisions(held_words, held_vectors)
        figures = quality((held_values >= step.cut).astype(float), held_labels)
        name = f"words + embedding, {size}"
        print(f"{name:>22} {figures[0]:6.3f} {figures[1]:6.3f} {figures[2]:6.3f} {best_f1(held_values, held_labels):8.3f} {seconds:10.1f}", flush=True)
    if args.as_trained:
        step = as_trained(learn, out_of_fold, args.embedding_sample, options, encoder.encode)
        trained = {"as trained, words": reddit.scores(held_texts), "as trained, + embedding": step.scores(held_words, held_vectors)}
        for name, values in trained.items():
            figures = quality(values, held_labels)
            print(f"{name:>22} {figures[0]:6.3f} {figures[1]:6.3f} {figures[2]:6.3f} {best_f1(values, held_labels):8.3f} {0.0:10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
