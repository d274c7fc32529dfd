"""Tests for bot/nlu/sentence_regex_featurizer.py: Rasa's pattern sentence features, no sequence features."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Tuple

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.sentence_regex_featurizer import SentenceRegexFeaturizer

REGEXES = [{"name": "order_id", "pattern": r"(?<![\w#-])(?:#\s?\d{3,}|\d{5,})(?![\w-])"},
           {"name": "zip", "pattern": r"\d{5}"}]
LOOKUPS = [{"name": "product", "elements": ["aura smart speaker", "Volt Power Bank"]}]
TEXTS = ["where is order #55213?", "Aura Smart Speaker price", "aura smart speaker and volt power bank",
         "call 12345 or #99", "nothing here", "#55213", "   ", "a-55213-b", "AURA SMART SPEAKER!!"]


def pair(tmp_path: Path, options: Dict[str, Any]) -> Tuple[WhitespaceTokenizer, RegexFeaturizer, SentenceRegexFeaturizer]:
    """A tokenizer, Rasa's featurizer and ours, trained on the same regexes and lookup table."""
    storage = LocalModelStorage(tmp_path)
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    featurizers = []
    for name, component in (("rasa", RegexFeaturizer), ("ours", SentenceRegexFeaturizer)):
        featurizer = component.create({**component.get_default_config(), **options}, storage, Resource(name),
                                      ExecutionContext(GraphSchema({}), node_name=name))
        featurizer.train(TrainingData([Message.build(text="hi", intent="greet")], regex_features=REGEXES,
                                      lookup_tables=LOOKUPS))
        featurizers.append(featurizer)
    return tokenizer, featurizers[0], featurizers[1]


def featurized(tokenizer: WhitespaceTokenizer, featurizer: RegexFeaturizer, texts: List[str]) -> List[Message]:
    """Messages tokenized and featurized as at prediction time."""
    messages = [Message.build(text=text) for text in texts]
    tokenizer.process(messages)
    return featurizer.process(messages)


@pytest.mark.parametrize("options", [{}, {"case_sensitive": False}], ids=["case-sensitive", "ignoring-case"])
def test_sentence_features_equal_rasas(tmp_path: Path, options: Dict[str, Any]) -> None:
    tokenizer, rasas, ours = pair(tmp_path, options)
    matched = 0
    for theirs, mine in zip(featurized(tokenizer, rasas, TEXTS), featurized(tokenizer, ours, TEXTS)):
        expected = theirs.get_sparse_features(TEXT)[1].features
        (feature,) = mine.features
        assert feature.type == FEATURE_TYPE_SENTENCE
        actual = feature.features
        assert type(actual) is type(expected) and actual.shape == expected.shape == (1, 3)
        assert actual.dtype == expected.dtype and actual.col.dtype == expected.col.dtype
        np.testing.assert_array_equal(actual.col, expected.col)
        np.testing.assert_array_equal(actual.data, expected.data)
        matched += actual.nnz
    assert matched >= 5


def test_only_sentence_features_and_no_token_marks(tmp_path: Path) -> None:
    tokenizer, rasas, ours = pair(tmp_path, {})
    (theirs,) = featurized(tokenizer, rasas, ["where is #55213"])
    (mine,) = featurized(tokenizer, ours, ["where is #55213"])
    assert sorted(feature.type for feature in theirs.features) == ["sentence", "sequence"]
    assert [feature.type for feature in mine.features] == ["sentence"]
    assert mine.get_sparse_features(TEXT)[1].features.toarray().tolist() == [[1.0, 1.0, 0.0]]  # order_id and zip
    assert all(token.get("pattern") is None for token in mine.get("text_tokens"))


def test_training_examples_get_the_same_sentence_features(tmp_path: Path) -> None:
    tokenizer, rasas, ours = pair(tmp_path, {})
    rows = []
    for featurizer in (rasas, ours):
        training = TrainingData([Message.build(text=text, intent="any") for text in TEXTS if text.strip()])
        tokenizer.process_training_data(training)
        featurizer.process_training_data(training)
        rows.append([m.get_sparse_features(TEXT)[1].features.toarray() for m in training.training_examples])
    for theirs, mine in zip(*rows):
        np.testing.assert_array_equal(mine, theirs)

