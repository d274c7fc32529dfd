"""The frustration model: two TF-IDF + logistic-regression stages, Reddit anger then customer service.

The first stage learns what anger sounds like from GoEmotions (word 1-2-grams); its log-odds
become one feature of the second stage, which learns from our own customer-service texts
(frustrated messages, calm problem reports, the NLU examples) when a message is frustration and
when it is only a problem. The second stage reads word 1-2-grams, character 3-5-grams, a
shouting feature and the message's MiniLM sentence embedding (`bot.nlu.sentence_encoder`), the one
the NLU pipeline already made for the intent classifier. A domain gate on that embedding
(`bot.nlu.domain_gate`) lets the first stage decide the texts that read like general chat rather
than a customer-service message, which the second stage never learnt.
`fit` also chooses each stage's decision threshold from held-out predictions on the training data
(never on an evaluation file) and folds it into the score: `score()` returns 0.5 at the chosen
threshold, so `frustration.threshold: 0.5` in settings.yml means "the trained operating point".
Variants tried and not adopted live with the benches that compare them (bench/frustration_*_cv.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, train_test_split

from bot.log_odds import log_odds, log_odds_array, sigmoid, sigmoid_array
from bot.nlu.domain_gate import DomainGate, out_of_fold_shares
from bot.nlu.frustration_corpus import LabelledText
from bot.nlu.sentence_encoder import shared_encoder
from bot.nlu.tfidf_dot import TfidfDot

_SHOUTED_WORD = re.compile(r"\b[A-Z]{2,}\b")
_REPEATED_MARKS = re.compile(r"[!?]{2,}")
# Part of the component's fingerprint: bump it when a change here should make Rasa retrain.
MODEL_VERSION = 5
# Below this score nothing is named as a signal: a calm "thanks!" must not read "reads_frustrated"
# in a transcript because one feature leaned that way while the whole said calm.
SIGNALS_FROM_SCORE = 0.1
# Words that say nothing to a support lead on their own: a word n-gram made only of these ("and",
# "this is") still counts in the score but is not named as a signal ("useless", "third time" are).
FUNCTION_WORDS = frozenset(
    "a an the and or but so this that these those it its is are was were be been am i i'm im me my you "
    "your we our they them he she his her to of in on at for with as by from do does did have has had".split()
)
# Texts to unit-length sentence embeddings, one row per text.
Embedder = Callable[[Sequence[str]], np.ndarray]
# (learning rows, held-out rows) of our texts -> the second stage's log-odds for the held-out rows.
FoldDecisions = Callable[[np.ndarray, np.ndarray], np.ndarray]


def names_something(ngram: str) -> bool:
    """Whether a word n-gram has a word besides `FUNCTION_WORDS`, so that naming it as a signal tells a reader why."""
    return any(word not in FUNCTION_WORDS for word in str(ngram).split())


@dataclass(frozen=True)
class TrainingOptions:
    """Regularisation of the two stages, the embedding's weight, the gate and the folds used to choose the threshold."""

    reddit_regularisation: float = 1.0
    in_domain_regularisation: float = 16.0
    folds: int = 5
    calm_budget: float = 0.005  # share of our calm texts (out-of-fold) the operating point may hand off
    seed: int = 14
    embedding_scale: float = 1.0  # 0 leaves the sentence embedding (and so the gate) out (bench/frustration_encoder_cv.py)
    reddit_cut_holdout: float = 0.2  # share of the comments the first stage's own cut is chosen on
    gate_sample: int = 2000  # Reddit comments the domain gate learns general chat from; 0 = no gate
    gate_sharpness: float = 2.0  # bench/frustration_gate_cv.py chose these two, training data only
    gate_offset: float = 1.5


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


class RedditAnger:
    """First stage: log-odds that a text sounds angry or annoyed, learnt from GoEmotions alone.

    `cut` is the log-odds at which the stage, deciding alone, has its best F1 on comments it did
    not learn from (a held-out share of the training comments).
    """

    def __init__(self, features: "WordFeatures", classifier: LogisticRegression, cut: float = 0.0) -> None:
        """Keep the fitted parts."""
        self.features = features
        self.classifier = classifier
        self.cut = cut

    @classmethod
    def fit(cls, comments: Sequence[LabelledText], options: TrainingOptions) -> "RedditAnger":
        """Train on the Reddit comments `comments`; the cut is chosen on a held-out share of them (one extra fit)."""
        texts = [example.text for example in comments]
        labels = np.array([example.frustrated for example in comments], dtype=int)
        features = WordFeatures().fit(texts)
        matrix = features.transform(texts)
        cut = _reddit_cut(matrix, labels, options)
        return cls(features, reddit_classifier(options).fit(matrix, labels), cut)

    def log_odds(self, texts: Sequence[str]) -> np.ndarray:
        """One column: the stage's decision value per text."""
        return self.classifier.decision_function(self.features.transform(texts)).reshape(-1, 1)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """The stage deciding alone: scores in [0, 1] with its own cut moved to 0.5."""
        return self.scores_from(self.log_odds(texts)[:, 0])

    def scores_from(self, word_log_odds: np.ndarray) -> np.ndarray:
        """The stage's scores from its log-odds."""
        return sigmoid_array(np.asarray(word_log_odds, dtype=np.float64) - self.cut)


def service_rows(
    features: TextFeatures, reddit: RedditAnger, texts: Sequence[str], vectors: Optional[np.ndarray], embedding_scale: float
) -> sparse.csr_matrix:
    """The second stage's rows: n-grams and shouting columns, the Reddit log-odds, then (scale > 0) the embedding times the scale."""
    rows = sparse.hstack([features.transform(texts), reddit.log_odds(texts)], format="csr")
    if embedding_scale > 0:
        rows = sparse.hstack([rows, sparse.csr_matrix(vectors * embedding_scale)], format="csr")
    return rows


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
    ) -> None:
        """Keep the parts; `threshold` is on the second stage's probability scale.

        The classifier's columns: word and character n-grams, two shouting columns, the Reddit
        log-odds, then (when `embedding_scale` > 0) the sentence embedding times that scale.
        Without a `gate` the second stage decides every text.
        """
        self.reddit = reddit
        self.features = features
        self.classifier = classifier
        self.threshold = threshold
        self.embedding_scale = embedding_scale
        self.gate = gate
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
        vectors = self._vectors(texts, embeddings) if self.uses_embedding else None
        rows = service_rows(self.features, self.reddit, texts, vectors, self.embedding_scale)
        return sigmoid_array(self.classifier.decision_function(rows))

    def service_scores(self, texts: Sequence[str], embeddings: Optional[np.ndarray] = None) -> List[float]:
        """The customer-service stage deciding alone, its chosen threshold moved to 0.5."""
        return self.scores_from_probabilities(self.probabilities(texts, embeddings))

    def scores(self, texts: Sequence[str], embeddings: Optional[np.ndarray] = None) -> List[float]:
        """Scores in [0, 1] with each stage's chosen threshold moved to 0.5, the stages weighed by the gate."""
        if self.uses_embedding:
            embeddings = self._vectors(texts, embeddings)
        service = self.service_scores(texts, embeddings)
        if self.gate is None or embeddings is None:
            return service
        return DomainGate.blend(self.gate.shares(embeddings), np.array(service), self.reddit.scores(texts)).tolist()

    def reddit_scores(self, texts: Sequence[str]) -> List[float]:
        """The first stage deciding alone, with its own cut moved to 0.5."""
        return self.reddit.scores(texts).tolist()

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
        score = self.scores_from_probabilities([sigmoid(decision)])[0]
        pushes = sorted(
            ((value, column) for column, value in words.items() if value > 0.5 and names_something(self._word_names[column])),
            reverse=True,
        )
        signals = [str(self._word_names[column]) for _, column in pushes[:limit]]
        signals.extend(name for name, value in extras.items() if value > 1.0)
        if self.gate is not None and vector is not None:
            share = self.gate.share(vector)
            reddit_score = float(self.reddit.scores_from(np.array([reddit]))[0])
            score = DomainGate.blend(share, score, reddit_score)
            if share < 0.5 and reddit_score >= 0.5 and "sounds_angry" not in signals:
                signals.append("sounds_angry")
        return score, signals if score >= SIGNALS_FROM_SCORE else []


@dataclass(frozen=True)
class ServiceTraining:
    """What the second stage learns from: our texts (sorted), their rows, embeddings and labels, and the folds.

    `folds` are (learning rows, held-out rows) pairs of a stratified split; the threshold is
    chosen on the held-out predictions.
    """

    in_domain: List[LabelledText]
    features: TextFeatures
    matrix: sparse.csr_matrix
    vectors: np.ndarray
    labels: np.ndarray
    folds: List[Tuple[np.ndarray, np.ndarray]]

    @classmethod
    def build(
        cls, in_domain: Sequence[LabelledText], features: TextFeatures, reddit: RedditAnger, options: TrainingOptions, encode: Embedder
    ) -> "ServiceTraining":
        """Rows of `in_domain` under fitted `features` and the Reddit stage; the texts are encoded only if the embedding is read."""
        texts = [example.text for example in in_domain]
        labels = np.array([example.frustrated for example in in_domain], dtype=int)
        vectors = encode(texts) if options.embedding_scale > 0 else np.zeros((len(texts), 0))
        matrix = service_rows(features, reddit, texts, vectors, options.embedding_scale)
        return cls(list(in_domain), features, matrix, vectors, labels, service_folds(labels, options))

    @property
    def texts(self) -> List[str]:
        """Our texts, in row order."""
        return [example.text for example in self.in_domain]

    def out_of_fold(self, decisions: FoldDecisions) -> np.ndarray:
        """Each text's probability from `decisions` of a fold that did not learn it."""
        probabilities = np.zeros(len(self.labels))
        for learn, held_out in self.folds:
            probabilities[held_out] = sigmoid_array(decisions(learn, held_out))
        return probabilities

    def classifier_decisions(self, options: TrainingOptions) -> FoldDecisions:
        """The fold decisions of the shipped second stage: its classifier learnt on the fold's rows."""
        def decisions(learn: np.ndarray, held_out: np.ndarray) -> np.ndarray:
            classifier = service_classifier(options).fit(self.matrix[learn], self.labels[learn])
            return classifier.decision_function(self.matrix[held_out])

        return decisions


@dataclass(frozen=True)
class OperatingPoint:
    """The chosen threshold, our texts' out-of-fold scores at it (gate included, 0.5 = the cut) and the gate."""

    threshold: float
    scores: np.ndarray
    gate: Optional[DomainGate]


@dataclass(frozen=True)
class FitResult:
    """The model and the out-of-fold probabilities and scores of the second stage's training texts.

    `in_domain` are our own texts (the threshold is chosen on them); `out_of_fold` holds the second
    stage's probabilities, `out_of_fold_scores` the model's scores (the gate included, 0.5 = the
    operating point).
    """

    model: FrustrationModel
    in_domain: List[LabelledText]
    out_of_fold: np.ndarray
    out_of_fold_scores: np.ndarray
    chat_vectors: np.ndarray  # the encoded comment sample the gate learnt general chat from


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
    values = reddit_classifier(options).fit(matrix[learn], labels[learn]).decision_function(matrix[held_out])
    return choose_threshold(values, labels[held_out].astype(bool), beta=1.0, decimals=2)


def service_folds(labels: np.ndarray, options: TrainingOptions) -> List[Tuple[np.ndarray, np.ndarray]]:
    """(learning rows, held-out rows) of our texts' stratified folds, on which the threshold is chosen."""
    splitter = StratifiedKFold(n_splits=options.folds, shuffle=True, random_state=options.seed)
    return list(splitter.split(np.zeros(len(labels)), labels))


def gate_comments(comments: Sequence[LabelledText], options: TrainingOptions, encode: Embedder) -> np.ndarray:
    """The embeddings of the fixed random sample of `gate_sample` comments the domain gate learns general chat from.

    Empty without the sentence embedding: the gate reads it, so there is no gate then.
    """
    count = options.gate_sample if options.embedding_scale > 0 else 0
    rows = np.sort(np.random.default_rng(options.seed + 1).permutation(len(comments))[:count])
    if not len(rows):
        return np.zeros((0, 0), dtype=np.float32)
    return np.asarray(encode([comments[row].text for row in rows]), dtype=np.float32)


def operating_point(
    training: ServiceTraining, out_of_fold: np.ndarray, reddit_scores: np.ndarray, chat: np.ndarray, options: TrainingOptions
) -> OperatingPoint:
    """The calm-budget threshold on the out-of-fold probabilities and, with `chat` comments, the domain gate.

    `reddit_scores` are the first stage's scores of our texts: the gate gives them the share of
    each out-of-fold score that it does not give the second stage (its shares out-of-fold too).
    """
    threshold = budget_threshold(out_of_fold, training.labels.astype(bool), options.calm_budget)
    scores = sigmoid_array(log_odds_array(out_of_fold) - log_odds(threshold))
    if not len(chat):
        return OperatingPoint(threshold, scores, None)
    sharpness, offset, seed = options.gate_sharpness, options.gate_offset, options.seed
    gate = DomainGate.fit(training.vectors, chat, sharpness, offset, seed)
    held_out = [rows for _, rows in training.folds]
    shares = out_of_fold_shares(training.vectors, chat, held_out, sharpness, offset, seed)
    return OperatingPoint(threshold, DomainGate.blend(shares, scores, reddit_scores), gate)


def our_texts(corpus: Sequence[LabelledText]) -> List[LabelledText]:
    """Our own texts of `corpus`, sorted, so the folds do not depend on the order they were handed over in."""
    return sorted(
        (example for example in corpus if example.in_domain), key=lambda example: (example.group, example.text, example.frustrated)
    )


def fit(
    corpus: Sequence[LabelledText], options: TrainingOptions = TrainingOptions(), embed: Optional[Embedder] = None
) -> FitResult:
    """Train both stages; choose the threshold by stratified cross-validation of our own texts.

    Our texts are sorted first, so the folds (and the threshold) do not depend on the order in
    which Rasa or a bench hands them over. The second stage's vocabulary is learnt once on our
    texts (no labels involved); only its classifier is refitted per fold, which keeps a cold
    training run short. `embed` gives the texts' sentence embeddings (the NLU pipeline's, where it
    has them); by default they are encoded here. Each step is public, so a bench can put a variant
    of one step among the others (bench/frustration_variant_cv.py).
    """
    encode = embed or (lambda texts: shared_encoder().encode(texts))
    comments = [example for example in corpus if not example.in_domain]
    reddit = RedditAnger.fit(comments, options)
    in_domain = our_texts(corpus)
    features = TextFeatures(min_df=2).fit([example.text for example in in_domain])
    training = ServiceTraining.build(in_domain, features, reddit, options, encode)
    out_of_fold = training.out_of_fold(training.classifier_decisions(options))
    classifier = service_classifier(options).fit(training.matrix, training.labels)
    chat = gate_comments(comments, options, encode)
    point = operating_point(training, out_of_fold, reddit.scores(training.texts), chat, options)
    model = FrustrationModel(reddit, features, classifier, point.threshold, options.embedding_scale, point.gate)
    return FitResult(model, training.in_domain, out_of_fold, point.scores, chat)


def reddit_classifier(options: TrainingOptions) -> LogisticRegression:
    """A fresh first-stage classifier."""
    return LogisticRegression(C=options.reddit_regularisation, solver="liblinear", random_state=options.seed)


def service_classifier(options: TrainingOptions) -> LogisticRegression:
    """A fresh customer-service classifier, balanced because frustrated texts are the minority."""
    return LogisticRegression(
        C=options.in_domain_regularisation, solver="liblinear", class_weight="balanced", random_state=options.seed
    )
