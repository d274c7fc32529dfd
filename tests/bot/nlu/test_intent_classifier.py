"""Tests for bot/nlu/intent_classifier.py: same features and predictions as Rasa's classifier, saved without skops."""

from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_classifier import WEIGHTS_FILE, BlankSafeLogisticRegressionClassifier, sentence_feature_matrix

EXAMPLES = {
    "greet": ["hi there", "hello", "good morning", "hey hey", "hiya friend"],
    "order_status": ["where is my order", "has my parcel shipped", "track my package", "order not here yet",
                     "when will my order arrive"],
    "refund": ["i want my money back", "refund please", "can i get a refund", "return it for a refund",
               "money back for the lamp"],
}
UNSEEN = ["hello, where is my parcel?", "i want a refund please", "good evening", "track it"]
CONFIG = {"solver": "liblinear"}


class Featurizer:
    """A real tokenizer and two count-vector featurizers (words, char n-grams), trained on EXAMPLES."""

    def __init__(self, storage: LocalModelStorage) -> None:
        context = ExecutionContext(GraphSchema({}))
        self.tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
        self.featurizers: List[CountVectorsFeaturizer] = []
        for name, config in (("words", {}), ("chars", {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4})):
            featurizer = CountVectorsFeaturizer.create(
                {**CountVectorsFeaturizer.get_default_config(), **config}, storage, Resource(name), context)
            self.featurizers.append(featurizer)
        self.training_data = TrainingData([
            Message.build(text=text, intent=intent) for intent, texts in EXAMPLES.items() for text in texts])
        self.tokenizer.process_training_data(self.training_data)
        for featurizer in self.featurizers:
            featurizer.train(self.training_data)
            featurizer.process_training_data(self.training_data)

    def messages(self, texts: List[str]) -> List[Message]:
        """New messages, featurized as at prediction time."""
        messages = [Message.build(text=text) for text in texts]
        self.tokenizer.process(messages)
        for featurizer in self.featurizers:
            featurizer.process(messages)
        return messages


@pytest.fixture
def trained(tmp_path: Path) -> Tuple[Featurizer, LocalModelStorage, BlankSafeLogisticRegressionClassifier]:
    storage = LocalModelStorage(tmp_path)
    featurizer = Featurizer(storage)
    classifier = BlankSafeLogisticRegressionClassifier.create(
        CONFIG, storage, Resource("intents"), ExecutionContext(GraphSchema({}), "intents"))
    classifier.train(featurizer.training_data)
    return featurizer, storage, classifier


def test_feature_matrix_has_rasas_columns_and_rows(trained) -> None:
    featurizer, _, _ = trained
    messages = featurizer.messages(UNSEEN)
    ours = sentence_feature_matrix(messages).toarray()
    rasas = LogisticRegressionClassifier._create_X(None, messages).toarray()
    assert ours.shape == rasas.shape == (len(UNSEEN), ours.shape[1])
    np.testing.assert_array_equal(ours, rasas)


def test_saved_weights_reload_to_the_same_predictions(trained) -> None:
    featurizer, storage, classifier = trained
    with storage.read_from(Resource("intents")) as folder:
        assert [path.name for path in folder.iterdir()] == [WEIGHTS_FILE]
    loaded = BlankSafeLogisticRegressionClassifier.load(
        CONFIG, storage, Resource("intents"), ExecutionContext(GraphSchema({}), "intents"))
    fresh = classifier.process(featurizer.messages(UNSEEN))
    reloaded = loaded.process(featurizer.messages(UNSEEN))
    assert [m.get("intent") for m in reloaded] == [m.get("intent") for m in fresh]
    assert [m.get("intent_ranking") for m in reloaded] == [m.get("intent_ranking") for m in fresh]
    assert [m.get("intent")["name"] for m in reloaded][:3] == ["order_status", "refund", "greet"]


def test_blank_message_is_not_understood_and_others_still_classified(trained) -> None:
    featurizer, _, classifier = trained
    messages = featurizer.messages(["   ", "refund please"])
    classifier.process(messages)
    assert messages[0].get("intent") == {"name": "nlu_fallback", "confidence": 1.0}
    assert messages[1].get("intent")["name"] == "refund"


def test_model_saved_by_rasas_classifier_still_loads(trained, tmp_path: Path) -> None:
    featurizer, storage, _ = trained
    context = ExecutionContext(GraphSchema({}), "old")
    old = LogisticRegressionClassifier.create(CONFIG, storage, Resource("old"), context)
    old.train(featurizer.training_data)
    loaded = BlankSafeLogisticRegressionClassifier.load(CONFIG, storage, Resource("old"), context)
    expected = old.process(featurizer.messages(UNSEEN))
    got = loaded.process(featurizer.messages(UNSEEN))
    assert [m.get("intent")["name"] for m in got] == [m.get("intent")["name"] for m in expected]
    np.testing.assert_allclose(
        [m.get("intent")["confidence"] for m in got], [m.get("intent")["confidence"] for m in expected], rtol=1e-12)


def add_dense_sentence_feature(messages: List[Message], seed: int) -> None:
    """Give each message a 4-number dense sentence feature, as the MiniLM featurizer adds its embedding."""
    from rasa.shared.nlu.training_data.features import Features

    generator = np.random.default_rng(seed)
    for message in messages:
        message.add_features(Features(generator.normal(size=(1, 4)), "sentence", "text", "dense_test"))


@pytest.mark.parametrize("solver", ["liblinear", "lbfgs"])
def test_scores_without_the_stacked_matrix_equal_rasas(tmp_path: Path, solver: str) -> None:
    storage = LocalModelStorage(tmp_path)
    featurizer = Featurizer(storage)
    add_dense_sentence_feature(featurizer.training_data.training_examples, seed=1)
    classifier = BlankSafeLogisticRegressionClassifier.create(
        {**BlankSafeLogisticRegressionClassifier.get_default_config(), "solver": solver},
        storage, Resource("intents"), ExecutionContext(GraphSchema({}), "intents"))
    classifier.train(featurizer.training_data)
    ours = featurizer.messages(UNSEEN + ["zzz qqq"])
    rasas = featurizer.messages(UNSEEN + ["zzz qqq"])
    add_dense_sentence_feature(ours, seed=2)
    add_dense_sentence_feature(rasas, seed=2)
    classifier.process(ours)
    LogisticRegressionClassifier.process(classifier, rasas)
    for mine, theirs in zip(ours, rasas):
        assert mine.get("intent")["name"] == theirs.get("intent")["name"]
        assert [entry["name"] for entry in mine.get("intent_ranking")] == [
            entry["name"] for entry in theirs.get("intent_ranking")]
        np.testing.assert_allclose(
            [entry["confidence"] for entry in mine.get("intent_ranking")],
            [entry["confidence"] for entry in theirs.get("intent_ranking")], rtol=1e-12)


def test_a_message_with_other_features_than_the_model_is_refused(trained) -> None:
    featurizer, _, classifier = trained
    messages = featurizer.messages(["refund please"])
    add_dense_sentence_feature(messages, seed=3)
    with pytest.raises(ValueError, match="sentence features"):
        classifier.process(messages)
