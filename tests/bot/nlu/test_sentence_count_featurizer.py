"""Tests for bot/nlu/sentence_count_featurizer.py and bot/nlu/count_row.py: Rasa's sentence features, no sequence features;
and config.yml naming the sentence-only featurizers."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Tuple

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.recipe import Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.engine.validation import validate
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.data import TrainingType
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import read_config_file
from sklearn.feature_extraction.text import CountVectorizer

from bot.nlu.count_row import CountRow
from bot.nlu.sentence_count_featurizer import SentenceCountVectorsFeaturizer
from bot.nlu.sentence_regex_featurizer import SentenceRegexFeaturizer
from bot.settings import REPO_ROOT

EXAMPLES = {
    "greet": ["hi there", "hello", "good morning", "hey hey hey", "hiya friend"],
    "order_status": ["where is my order #55213", "has my parcel shipped", "track order 12345 please",
                     "order not here yet", "when will my order arrive"],
    "refund": ["i want my money back", "refund please", "can i get a refund", "Return it for a REFUND",
               "money back for the lamp"],
}
UNSEEN = ["Hello, where is my parcel?", "i want a refund please refund", "order 99812 hasn't come",
          "zzz qqq", "x", "ÉTÉ café naïve", "hey hey hey hey", "   "]
WORDS = {"min_ngram": 1, "max_ngram": 2}
CHARACTERS = {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4}


def trained_pair(tmp_path: Path, options: Dict[str, Any]) -> Tuple[WhitespaceTokenizer, CountVectorsFeaturizer, SentenceCountVectorsFeaturizer]:
    """A tokenizer, Rasa's featurizer and ours, both trained on EXAMPLES with `options`."""
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), node_name="counts")
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    featurizers = []
    for name, component in (("rasa", CountVectorsFeaturizer), ("ours", SentenceCountVectorsFeaturizer)):
        training = TrainingData([Message.build(text=t, intent=i) for i, texts in EXAMPLES.items() for t in texts])
        tokenizer.process_training_data(training)
        featurizer = component.create({**component.get_default_config(), **options}, storage, Resource(name), context)
        featurizer.train(training)
        featurizers.append(featurizer)
    return tokenizer, featurizers[0], featurizers[1]


def featurized(tokenizer: WhitespaceTokenizer, featurizer: CountVectorsFeaturizer, texts: List[str]) -> List[Message]:
    """New messages, tokenized and featurized as at prediction time."""
    messages = [Message.build(text=text) for text in texts]
    tokenizer.process(messages)
    featurizer.process(messages)
    return messages


@pytest.mark.parametrize("options", [WORDS, CHARACTERS, {}], ids=["words", "characters", "defaults"])
def test_sentence_features_equal_rasas_to_the_last_bit(tmp_path: Path, options: Dict[str, Any]) -> None:
    tokenizer, rasas, ours = trained_pair(tmp_path, options)
    for theirs, mine in zip(featurized(tokenizer, rasas, UNSEEN), featurized(tokenizer, ours, UNSEEN)):
        expected = theirs.get_sparse_features(TEXT)[1].features
        (feature,) = mine.features
        assert feature.type == FEATURE_TYPE_SENTENCE and feature.origin == expected_origin(rasas)
        actual = feature.features
        assert type(actual) is type(expected) and actual.shape == expected.shape
        assert actual.dtype == expected.dtype and actual.row.dtype == expected.row.dtype
        np.testing.assert_array_equal(actual.col, expected.col)
        np.testing.assert_array_equal(actual.data, expected.data)


def expected_origin(featurizer: CountVectorsFeaturizer) -> str:
    """The origin Rasa's featurizer stamps on its features (the graph node's name)."""
    return featurizer._identifier


def test_rasa_makes_sequence_features_too_and_ours_does_not(tmp_path: Path) -> None:
    tokenizer, rasas, ours = trained_pair(tmp_path, WORDS)
    (theirs,) = featurized(tokenizer, rasas, ["where is my order"])
    (mine,) = featurized(tokenizer, ours, ["where is my order"])
    assert {feature.type for feature in theirs.features} == {"sequence", "sentence"}
    assert [feature.type for feature in mine.features] == ["sentence"]


def test_training_examples_get_the_same_sentence_features_and_intents_none(tmp_path: Path) -> None:
    tokenizer, rasas, ours = trained_pair(tmp_path, WORDS)
    results = []
    for featurizer in (rasas, ours):
        training = TrainingData([Message.build(text=t, intent=i) for i, texts in EXAMPLES.items() for t in texts])
        tokenizer.process_training_data(training)
        featurizer.process_training_data(training)
        results.append(training.training_examples)
    for theirs, mine in zip(*results):
        np.testing.assert_array_equal(
            mine.get_sparse_features(TEXT)[1].features.toarray(), theirs.get_sparse_features(TEXT)[1].features.toarray())
        assert theirs.get_sparse_features(INTENT)[0] is not None
        assert mine.get_sparse_features(INTENT) == (None, None)


def test_a_message_without_a_text_gets_no_features(tmp_path: Path) -> None:
    _, rasas, ours = trained_pair(tmp_path, WORDS)
    for featurizer in (rasas, ours):
        (intent_only,) = featurizer.process([Message(data={INTENT: "greet"})])
        assert intent_only.features == []


def test_the_row_equals_transform_and_follows_a_grown_vocabulary() -> None:
    vectorizer = CountVectorizer(token_pattern=r"(?u)\b\w+\b", ngram_range=(1, 2)).fit(["a b c", "b c d", "c c e"])
    counter = CountRow(vectorizer)
    row = counter.row("c c b unknown")
    expected = vectorizer.transform(["c c b unknown"]).tocoo()
    np.testing.assert_array_equal(row.toarray(), expected.toarray())
    assert row.data.dtype == expected.data.dtype == np.int64
    vectorizer.vocabulary_["unknown"] = len(vectorizer.vocabulary_)
    assert counter.row("unknown").toarray().tolist() == [[0] * (len(vectorizer.vocabulary_) - 1) + [1]]


def test_a_binary_vectorizer_counts_ones() -> None:
    vectorizer = CountVectorizer(binary=True).fit(["aa bb", "bb cc"])
    assert CountRow(vectorizer).row("bb bb cc").toarray().tolist() == vectorizer.transform(["bb bb cc"]).toarray().tolist()


def test_config_yml_uses_the_sentence_only_featurizers_and_builds_a_valid_graph() -> None:
    config = read_config_file(str(REPO_ROOT / "config.yml"))
    model_config = Recipe.recipe_for_name(config.get("recipe")).graph_config_for_recipe(
        config, {}, training_type=TrainingType.NLU)
    validate(model_config)
    uses = [node.uses for node in model_config.predict_schema.nodes.values()]
    assert uses.count(SentenceCountVectorsFeaturizer) == 2 and uses.count(SentenceRegexFeaturizer) == 1
    assert CountVectorsFeaturizer not in uses and RegexFeaturizer not in uses
