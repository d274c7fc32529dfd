"""Would the sentence embedding help the frustration model's Reddit stage? Held-out training comments only.

The GoEmotions training comments are split as `bench/frustration_gate_cv.py` splits them (20% held
out, seed 14). Today's stage (word 1-2-grams, logistic regression, cut = its best F1 on a held-out
share of what it learns from) is trained on the other 80%. The variant stacks it with the
embedding: a second logistic regression on [the word stage's out-of-fold log-odds, the sentence
embedding] trained on an encoded random sample of N learning comments (encoding every comment
takes longer than the whole cold training may), its cut the best F1 on its own 5-fold
out-of-fold predictions. Printed per N: F1, precision and recall on the held-out comments at the
stage's cut, the best F1 any cut would give there (for information only), and the encoding time.
`--as-trained` adds the stage as `fit` trains it with `reddit_embedding_sample` set to
`--embedding-sample` (the embedding step learns from that many comments, the domain gate's among
them). No evaluation file is read.

    python bench/frustration_reddit_cv.py [--samples 2000 6000 12000] [--as-trained [--embedding-sample 6000]]
"""

from __future__ import annotations

import argparse
import dataclasses
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

from bot.nlu.frustration_model import RedditAnger, TrainingOptions, choose_threshold, fit  # noqa: E402
from bot.nlu.sentence_encoder import shared_encoder  # noqa: E402
from frustration_data_cv import corpus_of  # noqa: E402
from frustration_gate_cv import quality, split_comments  # noqa: E402


def best_f1(values: np.ndarray, labels: np.ndarray) -> float:
    """The best F1 over every cut of `values` (an upper bound, not an operating point)."""
    cut = choose_threshold(values, labels, beta=1.0, decimals=2)
    return quality((values >= cut).astype(float), labels)[0]


def stacked_stage(columns: np.ndarray, labels: np.ndarray, seed: int) -> tuple[LogisticRegression, float]:
    """The stacking regression on `columns` and its best-F1 cut on its own 5-fold out-of-fold log-odds."""
    out_of_fold = np.zeros(len(labels))
    for learn, held in StratifiedKFold(n_splits=5, shuffle=True, random_state=seed).split(columns, labels):
        model = LogisticRegression(C=1.0, solver="liblinear", random_state=seed).fit(columns[learn], labels[learn])
        out_of_fold[held] = model.decision_function(columns[held])
    cut = choose_threshold(out_of_fold, labels.astype(bool), beta=1.0, decimals=2)
    return LogisticRegression(C=1.0, solver="liblinear", random_state=seed).fit(columns, labels), cut


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Fit today's stage and the stacked variants; print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, nargs="+", default=[2000, 6000, 12000])
    parser.add_argument("--as-trained", action="store_true", help="also the stage as `fit` trains it")
    parser.add_argument("--embedding-sample", type=int, default=6000, help="reddit_embedding_sample for --as-trained")
    args = parser.parse_args(argv)
    options = dataclasses.replace(TrainingOptions(), reddit_embedding_sample=args.embedding_sample)
    learn_corpus, held_out = split_comments(corpus_of(REPO_ROOT), options.seed)
    learn = [example for example in learn_corpus if not example.in_domain]
    learn_labels = np.array([example.frustrated for example in learn], dtype=int)
    held_texts = [example.text for example in held_out]
    held_labels = np.array([example.frustrated for example in held_out], dtype=bool)
    reddit, out_of_fold = RedditAnger.fit(learn, options)
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
        columns = np.hstack([out_of_fold[rows].reshape(-1, 1), np.stack([vectors[row] for row in rows])])
        model, cut = stacked_stage(columns, learn_labels[rows], options.seed)
        held_values = model.decision_function(np.hstack([held_words.reshape(-1, 1), held_vectors]))
        figures = quality((held_values >= cut).astype(float), held_labels)
        name = f"words + embedding, {size}"
        print(f"{name:>22} {figures[0]:6.3f} {figures[1]:6.3f} {figures[2]:6.3f} {best_f1(held_values, held_labels):8.3f} {seconds:10.1f}", flush=True)
    if args.as_trained:
        trained = fit(learn_corpus, options).model.reddit
        for name, vectors_given in (("as trained, words", None), ("as trained, + embedding", held_vectors)):
            values = trained.scores(held_texts, vectors_given)
            figures = quality(values, held_labels)
            print(f"{name:>22} {figures[0]:6.3f} {figures[1]:6.3f} {figures[2]:6.3f} {best_f1(values, held_labels):8.3f} {0.0:10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
