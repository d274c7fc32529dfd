"""The Reddit stage's embedding step kept in bench/frustration_reddit_cv.py (tried, not adopted)."""

import numpy as np

from bench.frustration_reddit_cv import as_trained, word_out_of_fold
from bot.nlu.frustration_model import RedditAnger, TrainingOptions
from tests.frustration_corpora import hashed_unit_vectors, worded_corpus


def test_the_embedding_step_learns_from_cross_fitted_log_odds_and_reads_the_embedding() -> None:
    options = TrainingOptions()
    comments = [example for example in worded_corpus(7) if not example.in_domain]
    reddit = RedditAnger.fit(comments, options)
    out_of_fold = word_out_of_fold(reddit, comments, options)
    texts = ["WHY, why is this STILL broken!!", "thanks, all fine", "qwrtzp day"]
    words = reddit.log_odds(texts)[:, 0]

    step = as_trained(comments, out_of_fold, 40, options, hashed_unit_vectors)

    in_sample = reddit.log_odds([example.text for example in comments])[:, 0]
    assert len(out_of_fold) == len(comments) and not np.allclose(out_of_fold, in_sample)
    scores = step.scores(words, hashed_unit_vectors(texts))
    assert not np.allclose(scores, step.scores(words, hashed_unit_vectors(["other"] * 3)))
