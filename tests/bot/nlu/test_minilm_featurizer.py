"""Tests for bot/nlu/minilm_featurizer.py inside a real Rasa pipeline, and config.yml's graph."""

from __future__ import annotations

from pathlib import Path
from typing import List

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.recipe import Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.engine.validation import validate
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.data import TrainingType
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import read_config_file

from bot.nlu.intent_classifier import BlankSafeLogisticRegressionClassifier, sentence_feature_matrix
from bot.nlu.minilm_featurizer import MiniLMFeaturizer
from bot.settings import REPO_ROOT

CONTEXT = ExecutionContext(GraphSchema({}), "minilm")
# Word overlap with the examples is small on purpose: the embedding has to carry the meaning.
EXAMPLES = {
    "order_status": ["where is my order", "has my parcel shipped yet", "track my package", "when will it arrive"],
    "refund": ["i want my money back", "refund please", "can i get a refund", "return it and repay me"],
    "out_of_scope": ["what's the weather tomorrow", "tell me a joke", "who won the football", "how do i bake bread"],
}


def featurizer(scale: float = 1.0) -> MiniLMFeaturizer:
    """The component as Rasa creates it from config.yml options."""
    config = {**MiniLMFeaturizer.get_default_config(), "scale": scale}
    return MiniLMFeaturizer.create(config, None, Resource("minilm"), CONTEXT)  # type: ignore[arg-type]


def pipeline_messages(texts: List[str], steps: list) -> List[Message]:
    """New messages run through `steps` as at prediction time."""
    messages = [Message.build(text=text) for text in texts]
    for step in steps:
        step.process(messages)
    return messages


def test_each_message_gets_one_scaled_384_wide_sentence_feature() -> None:
    messages = pipeline_messages(["where is my parcel", "hello"], [featurizer(scale=8.0)])
    for message in messages:
        sentence = [f for f in message.features if f.type == FEATURE_TYPE_SENTENCE and f.attribute == TEXT]
        assert [f.features.shape for f in sentence] == [(1, 384)]
        assert sentence[0].is_dense()
        assert np.linalg.norm(sentence[0].features) == pytest.approx(8.0, rel=1e-4)
        assert not [f for f in message.features if f.type == FEATURE_TYPE_SEQUENCE]


def test_a_blank_message_gets_zeros_and_a_message_without_text_nothing() -> None:
    blank = Message.build(text="  ")
    intent_only = Message(data={INTENT: "greet"})
    featurizer().process([blank, intent_only])
    assert not blank.features[0].features.any()
    assert intent_only.features == []


def test_scale_must_be_positive() -> None:
    with pytest.raises(InvalidConfigException, match="scale"):
        featurizer(scale=0)


def test_the_classifier_learns_from_the_embedding_after_the_sparse_counts(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    counts = CountVectorsFeaturizer.create(
        CountVectorsFeaturizer.get_default_config(), storage, Resource("counts"), CONTEXT)
    minilm = featurizer(scale=8.0)
    training = TrainingData([Message.build(text=t, intent=i) for i, texts in EXAMPLES.items() for t in texts])
    tokenizer.process_training_data(training)
    counts.train(training)
    counts.process_training_data(training)
    minilm.process_training_data(training)
    classifier = BlankSafeLogisticRegressionClassifier.create(
        {"solver": "liblinear"}, storage, Resource("intents"), CONTEXT)
    classifier.train(training)

    unseen = pipeline_messages(["my delivery hasn't turned up", "is it going to snow this weekend", ""],
                               [tokenizer, counts, minilm])
    vocabulary = len(counts.vectorizers[TEXT].vocabulary_)
    assert sentence_feature_matrix(unseen[:2]).shape == (2, vocabulary + 384)
    classifier.process(unseen)
    assert [message.get(INTENT)["name"] for message in unseen] == ["order_status", "out_of_scope", "nlu_fallback"]


def test_config_yml_builds_a_valid_rasa_graph_with_the_featurizer_before_the_classifier() -> None:
    config = read_config_file(str(REPO_ROOT / "config.yml"))
    recipe = Recipe.recipe_for_name(config.get("recipe"))
    model_config = recipe.graph_config_for_recipe(config, {}, training_type=TrainingType.NLU)
    validate(model_config)
    nodes = model_config.train_schema.nodes
    minilm = [name for name, node in nodes.items() if node.uses is MiniLMFeaturizer]
    classifier = next(name for name, node in nodes.items() if node.uses is BlankSafeLogisticRegressionClassifier)
    assert len(minilm) == 1
    assert minilm[0] in nodes[classifier].needs.values()
