"""The frustration model: two TF-IDF + logistic-regression stages, Reddit anger then customer service.

The first stage learns what anger sounds like from GoEmotions; its log-odds become one feature
of the second stage, which learns from our own customer-service texts (frustrated messages,
calm problem reports, the NLU examples) when a message is frustration and when it is only a
problem. The first stage uses word 1-2-grams (with `reddit_embedding_sample`, an option left off,
also those log-odds and the sentence embedding in one more regression); the second word 1-2-grams, character 3-5-grams, a
shouting feature and the message's MiniLM sentence embedding (`bot.nlu.sentence_encoder`), the one
the NLU pipeline already made for the intent classifier. A domain gate on that embedding
(`bot.nlu.domain_gate`) lets the first stage decide the texts that read like general chat rather
than a customer-service message, which the second stage never learnt.
`fit` also chooses each stage's decision threshold from held-out predictions on the training data
(never on an evaluation file) and folds it into the score: `score()` returns 0.5 at the chosen
threshold, so `frustration.threshold: 0.5` in settings.yml means "the trained operating point".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, train_test_split

from bot.log_odds import log_odds, log_odds_array, sigmoid, sigmoid_array
from bot.nlu.domain_gate import DomainGate, out_of_fold_shares
from bot.nlu.embedding_head import EmbeddingHead
from bot.nlu.frustration_corpus import LabelledText
from bot.nlu.sentence_encoder import shared_encoder
from bot.nlu.tfidf_dot import TfidfDot

_SHOUTED_WORD = re.compile(r"\b[A-Z]{2,}\b")
_REPEATED_MARKS = re.compile(r"[!?]{2,}")
_PUNCTUATION = re.compile(r"[^\w\s]")
# Part of the component's fingerprint: bump it when a change here should make Rasa retrain.
MODEL_VERSION = 5
# Below this score nothing is named as a signal: a calm "thanks!" must not read "reads_frustrated"
# in a transcript because one feature leaned that way while the whole said calm.
SIGNALS_FROM_SCORE = 0.1
# Texts to unit-length sentence embeddings, one row per text.
Embedder = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class TrainingOptions:
    """Regularisation of the two stages and the folds used to choose the threshold."""

    reddit_regularisation: float = 1.0
    in_domain_regularisation: float = 16.0
    reddit_sample: int = 0
    reddit_weight: float = 0.3
    folds: int = 5
    calm_budget: float = 0.005  # share of our calm texts (out-of-fold) the operating point may hand off
    seed: int = 14
    embedding_scale: float = 1.0  # 0 leaves the sentence embedding out (bench/frustration_encoder_cv.py)
    reddit_cut_holdout: float = 0.2  # share of the comments the first stage's own cut is chosen on
    gate_sample: int = 2000  # Reddit comments the domain gate learns general chat from; 0 = no gate
    domain_gate: bool = True  # False: no gate even with a gate sample (bench/frustration_gate_cv.py builds its own)
    reddit_embedding_sample: int = 0  # comments the Reddit stage's embedding step learns from (the gate's among them); 0 = none
    gate_sharpness: float = 2.0  # bench/frustration_gate_cv.py chose these two, training data only
    gate_offset: float = 1.5
    in_domain_class_weight: Optional[str] = "balanced"  # None: frustrated and calm texts weigh the same
    embedding_head: str = ""  # "logistic" or "perceptron": a head on the embedding alone, log-odds averaged in
    plain_copies: bool = False  # also learn from lower-cased, unpunctuated copies of our texts (training folds only)


def plain_copy(text: str) -> str:
    """The text as a hurried customer types it: lower case, no punctuation, single spaces."""
    return " ".join(_PUNCTUATION.sub("", text).lower().split())


def shouting_row(text: str) -> tuple[float, float]:
    """How shouted a text is (0..1: mostly capitals, or up to three all-caps words) and whether it has !!!/???."""
    caps_words = len(_SHOUTED_WORD.findall(text))
    letters = sum(character.isalpha() for character in text)
    upper = sum(character.isupper() for character in text)
    shouting = 1.0 if letters >= 6 and upper / letters >= 0.7 else min(caps_words, 3) / 3.0
    return shouting, 1.0 if _REPEATED_MARKS.search(text) else 0.0


def shouting_features(texts: Sequence[str]) -> sparse.csr_matrix:
    """Two columns the lower-cased n-grams cannot see: all-caps words and !!!/??? marks."""
    rows = [shouting_row(text) for text in texts]
    return sparse.csr_matrix(np.array(rows, dtype=np.float64).reshape(len(rows), 2))


class TextFeatures:
    """Word 1-2-grams, character 3-5-grams within words, and the shouting columns."""

    def __init__(self, min_df: int) -> None:
        """Unfitted vectorisers; n-grams seen in fewer than `min_df` texts are dropped."""
        self.words = TfidfVectorizer(ngram_range=(1, 2), min_df=min_df, sublinear_tf=True, max_features=40_000)
        self.characters = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), min_df=min_df, sublinear_tf=True, max_features=60_000
        )

    def fit(self, texts: Sequence[str]) -> "TextFeatures":
        """Learn the vocabularies and document frequencies."""
        self.words.fit(texts)
        self.characters.fit(texts)
        return self

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Feature rows for `texts`: word n-grams first, then character n-grams, then shouting."""
        return sparse.hstack(
            [self.words.transform(texts), self.characters.transform(texts), shouting_features(texts)],
            format="csr",
        )

    def word_names(self) -> np.ndarray:
        """Names of the word-n-gram columns, which come first in every row."""
        return self.words.get_feature_names_out()


class WordFeatures:
    """Word 1-2-grams only: the Reddit stage sees 38,000 comments, where character n-grams cost too much."""

    def __init__(self) -> None:
        """An unfitted vectoriser."""
        self.words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=50_000)

    def fit(self, texts: Sequence[str]) -> "WordFeatures":
        """Learn the vocabulary and document frequencies."""
        self.words.fit(texts)
        return self

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Feature rows for `texts`."""
        return self.words.transform(texts)


class RedditEmbedding:
    """The first stage's second step: its word log-odds and the sentence embedding, one logistic regression.

    Learnt from a sample of comments with the word step's out-of-fold log-odds (cross-fitted, so
    never from a word model that learnt the comment); `cut` is its best-F1 log-odds on its own
    out-of-fold predictions.
    """

    def __init__(self, word_weight: float, embedding_weights: np.ndarray, intercept: float, cut: float) -> None:
        """Keep the weights and the cut."""
        self.word_weight = float(word_weight)
        self.embedding_weights = np.asarray(embedding_weights, dtype=np.float64).reshape(-1)
        self.intercept = float(intercept)
        self.cut = float(cut)

    @classmethod
    def fit(cls, word_log_odds: np.ndarray, vectors: np.ndarray, labels: np.ndarray, seed: int) -> "RedditEmbedding":
        """Learn from comments' unseen word log-odds, embeddings and labels; choose the cut out-of-fold."""
        columns = np.hstack([np.asarray(word_log_odds, dtype=np.float64).reshape(-1, 1), vectors])
        out_of_fold = np.zeros(len(labels))
        for learn, held in StratifiedKFold(n_splits=5, shuffle=True, random_state=seed).split(columns, labels):
            out_of_fold[held] = _reddit_embedding_step(seed).fit(columns[learn], labels[learn]).decision_function(columns[held])
        cut = choose_threshold(out_of_fold, labels.astype(bool), beta=1.0, decimals=2)
        classifier = _reddit_embedding_step(seed).fit(columns, labels)
        return cls(classifier.coef_[0][0], classifier.coef_[0][1:], classifier.intercept_[0], cut)

    def scores(self, word_log_odds: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        """Scores in [0, 1], the cut moved to 0.5."""
        values = np.asarray(word_log_odds, dtype=np.float64) * self.word_weight + np.asarray(vectors, dtype=np.float64) @ self.embedding_weights
        return sigmoid_array(values + self.intercept - self.cut)


class RedditAnger:
    """First stage: log-odds that a text sounds angry or annoyed, learnt from GoEmotions alone.

    `cut` is the log-odds at which the word step, deciding alone, has its best F1 on comments it
    did not learn from (a held-out share of the training comments). With an `embedding` step the
    stage's score also reads the sentence embedding (where one is given).
    """

    def __init__(
        self, features: "WordFeatures", classifier: LogisticRegression, cut: float = 0.0, embedding: Optional[RedditEmbedding] = None
    ) -> None:
        """Keep the fitted parts."""
        self.features = features
        self.classifier = classifier
        self.cut = cut
        self.embedding = embedding

    @classmethod
    def fit(cls, corpus: Sequence[LabelledText], options: TrainingOptions) -> tuple["RedditAnger", np.ndarray]:
        """Train the word step on the Reddit comments of `corpus`; also return their out-of-fold log-odds.

        Only when the second stage (`reddit_sample`) or the embedding step (`reddit_embedding_sample`)
        learns from some of these comments are log-odds needed that the word step produced without
        having trained on that comment (cross-fitting, three more fits); otherwise the array is empty.
        """
        texts = [example.text for example in corpus]
        labels = np.array([example.frustrated for example in corpus], dtype=int)
        features = WordFeatures().fit(texts)
        matrix = features.transform(texts)
        cross_fit = bool(options.reddit_sample or options.reddit_embedding_sample)
        out_of_fold = np.zeros(len(texts) if cross_fit else 0)
        if cross_fit:
            folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=options.seed)
            for train_rows, held_out_rows in folds.split(matrix, labels):
                fold_model = _reddit_stage(options).fit(matrix[train_rows], labels[train_rows])
                out_of_fold[held_out_rows] = fold_model.decision_function(matrix[held_out_rows])
        cut = _reddit_cut(matrix, labels, options)
        return cls(features, _reddit_stage(options).fit(matrix, labels), cut), out_of_fold

    def log_odds(self, texts: Sequence[str]) -> np.ndarray:
        """One column: the word step's decision value per text."""
        return self.classifier.decision_function(self.features.transform(texts)).reshape(-1, 1)

    def scores(self, texts: Sequence[str], vectors: Optional[np.ndarray] = None) -> np.ndarray:
        """The stage deciding alone: scores in [0, 1] with its own cut moved to 0.5 (the embedding read when given)."""
        return self.scores_from(self.log_odds(texts)[:, 0], vectors)

    def scores_from(self, word_log_odds: np.ndarray, vectors: Optional[np.ndarray]) -> np.ndarray:
        """The stage's scores from the word step's log-odds and, with an embedding step, the embeddings."""
        if self.embedding is None or vectors is None:
            return sigmoid_array(np.asarray(word_log_odds, dtype=np.float64) - self.cut)
        return self.embedding.scores(word_log_odds, vectors)


class FrustrationModel:
    """A fitted model: the Reddit stage, the customer-service stage, the chosen threshold and the gate."""

    def __init__(
        self,
        reddit: RedditAnger,
        features: TextFeatures,
        classifier: LogisticRegression,
        threshold: float,
        embedding_scale: float = 0.0,
        gate: Optional[DomainGate] = None,
        head: Optional[EmbeddingHead] = None,
    ) -> None:
        """Keep the parts; `threshold` is on the second stage's probability scale.

        The classifier's columns: word and character n-grams, two shouting columns, the Reddit
        log-odds, then (when `embedding_scale` > 0) the sentence embedding times that scale.
        Without a `gate` the second stage decides every text; with a `head` the second stage's
        log-odds are the mean of the classifier's and the head's.
        """
        self.reddit = reddit
        self.features = features
        self.classifier = classifier
        self.threshold = threshold
        self.embedding_scale = embedding_scale
        self.gate = gate
        self.head = head
        self._threshold_logit = log_odds(threshold)
        self._word_names = features.word_names()
        coefficients = classifier.coef_[0]
        words, characters = len(features.words.vocabulary_), len(features.characters.vocabulary_)
        extras = words + characters
        self._words = TfidfDot(features.words, coefficients[:words])
        self._characters = TfidfDot(features.characters, coefficients[words:extras])
        self._shouting_weights = coefficients[extras : extras + 2].tolist()
        self._reddit_weight = float(coefficients[extras + 2])
        self._embedding_weights = coefficients[extras + 3 :] * embedding_scale
        self._reddit_words = TfidfDot(reddit.features.words, reddit.classifier.coef_[0])
        self._reddit_intercept = float(reddit.classifier.intercept_[0])
        self._intercept = float(classifier.intercept_[0])

    @property
    def uses_embedding(self) -> bool:
        """Whether the second stage reads the sentence embedding."""
        return self.embedding_scale > 0

    def probabilities(self, texts: Sequence[str], embeddings: Optional[np.ndarray] = None) -> np.ndarray:
        """The second stage's probability of frustration for each text (embeddings made here if not given)."""
        rows = _stacked(self.features, self.reddit, texts)
        vectors = None
        if self.uses_embedding:
            vectors = self._vectors(texts, embeddings)
            rows = sparse.hstack([rows, sparse.csr_matrix(vectors * self.embedding_scale)], format="csr")
        return sigmoid_array(_with_head(self.classifier.decision_function(rows), self.head, vectors))

    def scores(self, texts: Sequence[str], embeddings: Optional[np.ndarray] = None) -> List[float]:
        """Scores in [0, 1] with each stage's chosen threshold moved to 0.5, the stages weighed by the gate."""
        if self.uses_embedding:
            embeddings = self._vectors(texts, embeddings)
        service = self.scores_from_probabilities(self.probabilities(texts, embeddings))
        if self.gate is None or embeddings is None:
            return service
        reddit = self.reddit.scores(texts, embeddings)
        return DomainGate.blend(self.gate.shares(embeddings), np.array(service), reddit).tolist()

    def reddit_scores(self, texts: Sequence[str], embeddings: Optional[np.ndarray] = None) -> List[float]:
        """The first stage deciding alone, with its own cut moved to 0.5 (reading the embeddings when given)."""
        return self.reddit.scores(texts, embeddings).tolist()

    def scores_from_probabilities(self, probabilities: Sequence[float]) -> List[float]:
        """The second stage's probabilities as scores, the chosen threshold moved to 0.5."""
        return [sigmoid(log_odds(float(p)) - self._threshold_logit) for p in probabilities]

    @staticmethod
    def _vectors(texts: Sequence[str], embeddings: Optional[np.ndarray]) -> np.ndarray:
        """The given embeddings, or the texts encoded here."""
        return shared_encoder().encode(texts) if embeddings is None else embeddings

    def score_with_signals(
        self, text: str, embedding: Optional[np.ndarray] = None, limit: int = 3
    ) -> tuple[float, List[str]]:
        """One text's score and what pushed it up most (shown in transcripts); the NLU path.

        Computes the same decision value as `probabilities` without building sparse matrices.
        `embedding` is the text's unit-length sentence embedding; it is made here when not given.
        """
        words = self._words.contributions(text)
        shouting = shouting_row(text)
        reddit = self._reddit_intercept + sum(self._reddit_words.contributions(text).values())
        extras = {
            "all_caps": shouting[0] * self._shouting_weights[0],
            "repeated_punctuation": shouting[1] * self._shouting_weights[1],
            "sounds_angry": reddit * self._reddit_weight,
        }
        vector = None
        if self.uses_embedding:
            vector = shared_encoder().encode([text])[0] if embedding is None else embedding
            extras["reads_frustrated"] = float(vector @ self._embedding_weights)
        decision = (
            self._intercept + sum(words.values()) + sum(self._characters.contributions(text).values())
            + sum(extras.values())
        )
        if self.head is not None and vector is not None:
            head = float(self.head.decisions(vector)[0])
            decision = (decision + head) / 2  # as `_with_head` averages them, the head's log-odds computed once
            extras["reads_frustrated"] = (extras["reads_frustrated"] + head) / 2
        score = self.scores_from_probabilities([sigmoid(decision)])[0]
        pushes = sorted(((value, column) for column, value in words.items() if value > 0.5), reverse=True)
        signals = [str(self._word_names[column]) for _, column in pushes[:limit]]
        signals.extend(name for name, value in extras.items() if value > 1.0)
        if self.gate is not None and vector is not None:
            share = self.gate.share(vector)
            reddit_score = float(self.reddit.scores_from(np.array([reddit]), vector[None, :])[0])
            score = DomainGate.blend(share, score, reddit_score)
            if share < 0.5 and reddit_score >= 0.5 and "sounds_angry" not in signals:
                signals.append("sounds_angry")
        return score, signals if score >= SIGNALS_FROM_SCORE else []


def _with_head(decisions: np.ndarray, head: Optional[EmbeddingHead], vectors: Optional[np.ndarray]) -> np.ndarray:
    """The classifier's log-odds, averaged half and half with the embedding head's when there is one."""
    if head is None or vectors is None:
        return decisions
    return (decisions + head.decisions(vectors)) / 2


def _stacked(features: TextFeatures, reddit: RedditAnger, texts: Sequence[str]) -> sparse.csr_matrix:
    """In-domain n-grams and shouting columns, then the Reddit stage's log-odds as the last column."""
    return sparse.hstack([features.transform(texts), reddit.log_odds(texts)], format="csr")


@dataclass(frozen=True)
class FitResult:
    """The model and the out-of-fold probabilities and scores of the second stage's training texts.

    `in_domain` are our own texts (the threshold is chosen on them); `out_of_fold` holds the second
    stage's probabilities, `out_of_fold_scores` the model's scores (the gate included, 0.5 = the
    operating point). `reddit` is the sample of GoEmotions comments the second stage also learnt
    from, a check that calm small talk is not taken for anger.
    """

    model: FrustrationModel
    in_domain: List[LabelledText]
    out_of_fold: np.ndarray
    reddit: List[LabelledText]
    reddit_out_of_fold: np.ndarray
    out_of_fold_scores: np.ndarray
    chat_vectors: np.ndarray  # the encoded comment sample the gate and the Reddit stage's embedding step learnt from


def choose_threshold(probabilities: np.ndarray, labels: np.ndarray, beta: float, decimals: int = 3) -> float:
    """The cut with the best F-beta among `probabilities` rounded to `decimals` (training data only).

    beta < 1 weighs precision more, beta > 1 recall; the Reddit stage's own cut uses beta 1.
    """
    best, best_score = 0.5, -1.0
    weight = beta * beta
    for threshold in np.unique(np.round(probabilities, decimals)):
        predicted = probabilities >= threshold
        true_positive = float(np.sum(predicted & labels))
        denominator = (1 + weight) * true_positive + weight * (np.sum(labels) - true_positive) + (np.sum(predicted) - true_positive)
        score = (1 + weight) * true_positive / denominator if true_positive else 0.0
        if score > best_score:
            best, best_score = float(threshold), score
    return best


def budget_threshold(
    probabilities: np.ndarray, labels: np.ndarray, calm_budget: float, decimals: Optional[int] = 3
) -> float:
    """The lowest cut among `probabilities` rounded to `decimals` (None: as they are) that flags at
    most `calm_budget` of the calm texts.

    The lowest such cut catches the most frustrated texts. Unlike an F-beta cut it does not move
    when more frustrated examples are written: only the calm texts set it (training data only).
    """
    calm = probabilities[~labels]
    allowed = int(np.floor(calm_budget * len(calm)))
    candidates = probabilities if decimals is None else np.round(probabilities, decimals)
    for threshold in np.unique(candidates):
        if int(np.sum(calm >= threshold)) <= allowed:
            return float(threshold)
    if decimals is None:
        return float(np.nextafter(np.max(calm), np.inf))
    return float(np.round(np.max(calm), decimals) + 10.0**-decimals)


def _reddit_cut(matrix: sparse.csr_matrix, labels: np.ndarray, options: TrainingOptions) -> float:
    """The first stage's best-F1 log-odds cut on a held-out share of the comments (one extra fit)."""
    learn, held_out = train_test_split(
        np.arange(len(labels)), test_size=options.reddit_cut_holdout, stratify=labels, random_state=options.seed
    )
    values = _reddit_stage(options).fit(matrix[learn], labels[learn]).decision_function(matrix[held_out])
    return choose_threshold(values, labels[held_out].astype(bool), beta=1.0, decimals=2)


def _comment_samples(count: int, options: TrainingOptions) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the Reddit comments for the domain gate and for the embedding step, each sorted.

    Both are prefixes of one fixed random order, so the smaller sample lies inside the larger and
    each comment is encoded once.
    """
    order = np.random.default_rng(options.seed + 1).permutation(count)
    return np.sort(order[: options.gate_sample]), np.sort(order[: options.reddit_embedding_sample])


def _encoded_comments(
    reddit: Sequence[LabelledText], rows: Sequence[np.ndarray], encode: Embedder
) -> List[np.ndarray]:
    """The embeddings of the comments at each of `rows`, every comment encoded once."""
    wanted = np.unique(np.concatenate([np.asarray(block, dtype=int) for block in rows]))
    vectors = dict(zip(wanted.tolist(), encode([reddit[row].text for row in wanted]))) if len(wanted) else {}
    width = len(next(iter(vectors.values()))) if vectors else 0
    return [np.array([vectors[row] for row in block], dtype=np.float32).reshape(len(block), width) for block in rows]


def _reddit_sample(
    reddit: Sequence[LabelledText], log_odds_column: np.ndarray, options: TrainingOptions
) -> tuple[List[LabelledText], np.ndarray]:
    """A fixed random sample of the Reddit comments and their out-of-fold first-stage log-odds."""
    rows = np.random.default_rng(options.seed).permutation(len(reddit))[: options.reddit_sample]
    rows.sort()
    return [reddit[row] for row in rows], log_odds_column[rows]


def fit(
    corpus: Sequence[LabelledText], options: TrainingOptions = TrainingOptions(), embed: Optional[Embedder] = None
) -> FitResult:
    """Train both stages; choose the threshold by stratified cross-validation of our own texts.

    Our texts are sorted first, so the folds (and the threshold) do not depend on the order in
    which Rasa or a bench hands them over. The second stage learns from our texts and, if
    `reddit_sample` is set, a sample of Reddit comments (weighted down),
    its vocabulary learnt once on our texts (no labels involved); only its classifier is
    refitted per fold, which keeps a cold training run short. `embed` gives the texts' sentence
    embeddings (the NLU pipeline's, where it has them); by default they are encoded here.
    """
    reddit_all = [example for example in corpus if not example.in_domain]
    reddit, reddit_log_odds = RedditAnger.fit(reddit_all, options)
    sample, sample_log_odds = _reddit_sample(reddit_all, reddit_log_odds, options)
    in_domain = sorted(
        (example for example in corpus if example.in_domain),
        key=lambda example: (example.group, example.text, example.frustrated),
    )
    copies = _plain_copies(in_domain) if options.plain_copies else []
    copy_texts = [text for _, text in copies]
    features = TextFeatures(min_df=2).fit([example.text for example in in_domain] + copy_texts)
    rows = [*in_domain, *sample]
    blocks = [_stacked(features, reddit, [example.text for example in in_domain])]
    if sample:
        sample_rows = features.transform([example.text for example in sample])
        blocks.append(sparse.hstack([sample_rows, sample_log_odds.reshape(-1, 1)], format="csr"))
    if copies:
        blocks.append(_stacked(features, reddit, copy_texts))
    matrix = sparse.vstack(blocks, format="csr")
    encode = embed or (lambda texts: shared_encoder().encode(texts))
    vectors = np.zeros((matrix.shape[0], 0))
    if options.embedding_scale > 0:
        vectors = encode([example.text for example in rows] + copy_texts)
        matrix = sparse.hstack([matrix, sparse.csr_matrix(vectors * options.embedding_scale)], format="csr")
    originals = np.array([original for original, _ in copies], dtype=int)
    labels = np.array([example.frustrated for example in rows] + [rows[row].frustrated for row in originals], dtype=int)
    weights = np.array([1.0] * len(in_domain) + [options.reddit_weight] * len(sample) + [1.0] * len(copies))
    strata = labels[: len(rows)] * 2 + np.array([example.in_domain for example in rows], dtype=int)
    out_of_fold = np.zeros(len(rows))
    folds = StratifiedKFold(n_splits=options.folds, shuffle=True, random_state=options.seed)
    ours = len(in_domain)
    held_out_ours = []
    for train_rows, held_out_rows in folds.split(np.zeros(len(rows)), strata):
        copy_rows = len(rows) + np.flatnonzero(np.isin(originals, train_rows))
        learn = np.concatenate([train_rows, copy_rows])
        fold_model = _second_stage(options).fit(matrix[learn], labels[learn], sample_weight=weights[learn])
        head = _head(options, vectors[learn], labels[learn])
        decisions = _with_head(fold_model.decision_function(matrix[held_out_rows]), head, vectors[held_out_rows])
        out_of_fold[held_out_rows] = sigmoid_array(decisions)
        held_out_ours.append(held_out_rows[held_out_rows < ours])
    classifier = _second_stage(options).fit(matrix, labels, sample_weight=weights)
    head = _head(options, vectors, labels)
    threshold = budget_threshold(out_of_fold[:ours], labels[:ours].astype(bool), options.calm_budget)
    gate = None
    scores = sigmoid_array(log_odds_array(out_of_fold[:ours]) - log_odds(threshold))
    chat = np.zeros((0, vectors.shape[1]))
    if options.embedding_scale > 0:
        chat_rows, embedding_rows = _comment_samples(len(reddit_all), options)
        chat, comments = _encoded_comments(reddit_all, [chat_rows, embedding_rows], encode)
        if len(embedding_rows):
            comment_labels = np.array([reddit_all[row].frustrated for row in embedding_rows], dtype=int)
            reddit.embedding = RedditEmbedding.fit(reddit_log_odds[embedding_rows], comments, comment_labels, options.seed)
    if len(chat) and options.domain_gate:
        sharpness, offset, seed = options.gate_sharpness, options.gate_offset, options.seed
        gate = DomainGate.fit(vectors[:ours], chat, sharpness, offset, seed)
        shares = out_of_fold_shares(vectors[:ours], chat, held_out_ours, sharpness, offset, seed)
        scores = DomainGate.blend(shares, scores, reddit.scores([example.text for example in in_domain], vectors[:ours]))
    model = FrustrationModel(reddit, features, classifier, threshold, options.embedding_scale, gate, head)
    return FitResult(model, in_domain, out_of_fold[:ours], sample, out_of_fold[ours : len(rows)], scores, chat)


def _plain_copies(in_domain: Sequence[LabelledText]) -> List[tuple[int, str]]:
    """(row, copy) for each of our texts whose `plain_copy` differs from it and is not blank."""
    copies = ((row, plain_copy(example.text)) for row, example in enumerate(in_domain))
    return [(row, text) for row, text in copies if text and text != in_domain[row].text]


def _head(options: TrainingOptions, vectors: np.ndarray, labels: np.ndarray) -> Optional[EmbeddingHead]:
    """The embedding head the options ask for, trained on these rows, or None."""
    if not options.embedding_head or vectors.shape[1] == 0:
        return None
    return EmbeddingHead.fit(options.embedding_head, vectors, labels, options.seed)


def _reddit_stage(options: TrainingOptions) -> LogisticRegression:
    """A fresh first-stage classifier."""
    return LogisticRegression(C=options.reddit_regularisation, solver="liblinear", random_state=options.seed)


def _reddit_embedding_step(seed: int) -> LogisticRegression:
    """A fresh classifier for the Reddit stage's embedding step."""
    return LogisticRegression(C=1.0, solver="liblinear", random_state=seed)


def _second_stage(options: TrainingOptions) -> LogisticRegression:
    """A fresh customer-service classifier, balanced because frustrated texts are the minority."""
    return LogisticRegression(
        C=options.in_domain_regularisation,
        solver="liblinear",
        class_weight=options.in_domain_class_weight,
        random_state=options.seed,
    )
