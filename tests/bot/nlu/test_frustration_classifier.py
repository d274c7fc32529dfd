"""Tests for bot/nlu/frustration_classifier.py: trained through Rasa's interface on the real data."""

from __future__ import annotations

from pathlib import Path
import shutil

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.frustration_classifier import FRUSTRATION_KEY, FrustrationClassifier
from bot.nlu.frustration_corpus import FRUSTRATION_DATA, data_fingerprint
from bot.nlu.frustration_model import names_something
from bot.nlu.frustration_model_store import load_model
from bot.nlu.minilm_featurizer import MiniLMFeaturizer, message_embedding
from bot.nlu.sentence_encoder import shared_encoder
from bot.settings import REPO_ROOT
from tests.builders import EMOJI_ONLY_TEXT, LONG_TEXT

EXTRA_SIGNALS = {"all_caps", "repeated_punctuation", "sounds_angry", "reads_frustrated"}

RESOURCE = Resource("frustration")
CONTEXT = ExecutionContext(GraphSchema({}))

# From issue 14's table: handed off by the old lexicon scorer, but calm.
CALM_FIRST_MESSAGES = [
    "hi, my parcel hasn't arrived yet",
    "what is your return policy if it doesn't fit",
    "my blender doesn't work",
    "nope that's not it",
    "are you a bot or a human?",
    "no",
    "thanks",
    "How much is the Aura speaker?",
    "I want to file a complaint about the courier, he left my parcel outside",
]
# Not in the training data: anger phrased in ways the examples do not spell out word for word.
FURIOUS_FIRST_MESSAGES = [
    "This is the THIRD time I'm asking, your service is useless!!!",
    "honestly I'm finished with brightway after this",
    "I have now explained this to four of your colleagues",
    "WHY IS MY MONEY STILL NOT BACK",
    "you lot are an absolute joke, nobody ever gets back to me",
]


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> LocalModelStorage:
    """A model storage in a temporary folder, shared by this module's tests."""
    return LocalModelStorage(tmp_path_factory.mktemp("model"))


@pytest.fixture(scope="module")
def classifier(storage: LocalModelStorage) -> FrustrationClassifier:
    """The component created and trained as `rasa train` does, on the project's NLU data."""
    component = FrustrationClassifier.create({}, storage, RESOURCE, CONTEXT)
    component.train(load_data(str(REPO_ROOT / "data" / "nlu")))
    return component


def scored(component: FrustrationClassifier, text: str) -> dict:
    """The `frustration` entry the component puts in a message's parse output."""
    message = Message(data={"text": text})
    component.process([message])
    return message.as_dict(only_output_properties=True)[FRUSTRATION_KEY]


@pytest.mark.parametrize("text", CALM_FIRST_MESSAGES)
def test_calm_problem_reports_and_short_answers_stay_under_the_line(classifier: FrustrationClassifier, text: str) -> None:
    assert scored(classifier, text)["score"] < 0.5


@pytest.mark.parametrize("text", FURIOUS_FIRST_MESSAGES)
def test_anger_reaches_the_line_on_its_own(classifier: FrustrationClassifier, text: str) -> None:
    assert scored(classifier, text)["score"] >= 0.5


def test_the_parse_output_names_what_pushed_the_score_up(classifier: FrustrationClassifier) -> None:
    output = scored(classifier, "This is the THIRD time I'm asking, your service is useless!!!")

    assert set(output) == {"score", "signals"}
    assert {"all_caps", "reads_frustrated"} <= set(output["signals"])
    assert scored(classifier, "How much is the Aura speaker?")["signals"] == []


@pytest.mark.parametrize(
    "text", ["this is useless, get me a human NOW", "and now this, the third time", "this is a joke and you know it"]
)
def test_signals_name_words_a_lead_can_read_not_and_or_this_is(classifier: FrustrationClassifier, text: str) -> None:
    """A tester saw transcripts explain a handoff with "(this is, this, reads_frustrated)" and "(and, ...)"."""
    named_words = [signal for signal in scored(classifier, text)["signals"] if signal not in EXTRA_SIGNALS]

    assert all(names_something(signal) for signal in named_words), named_words
    assert not {"and", "this", "this is", "is"} & set(named_words)


@pytest.mark.parametrize("text", ["thanks!", "no", "hi, my parcel hasn't arrived yet"])
def test_a_calm_message_names_no_signal_in_the_transcript(classifier: FrustrationClassifier, text: str) -> None:
    """One feature leaning towards frustration is not worth naming when the whole message reads calm."""
    output = scored(classifier, text)

    assert output["score"] < 0.1
    assert output["signals"] == []


def test_loaded_from_the_model_storage_it_scores_the_same(
    classifier: FrustrationClassifier, storage: LocalModelStorage
) -> None:
    loaded = FrustrationClassifier.load({}, storage, RESOURCE, CONTEXT)

    for text in [*CALM_FIRST_MESSAGES, *FURIOUS_FIRST_MESSAGES]:
        assert scored(loaded, text) == scored(classifier, text)


def test_the_fast_single_message_path_gives_the_batch_scores(
    classifier: FrustrationClassifier, storage: LocalModelStorage
) -> None:
    """NLU scores one message without sparse matrices; it must agree with scikit-learn's path."""
    with storage.read_from(RESOURCE) as model_dir:
        model = load_model(model_dir)
    texts = [*CALM_FIRST_MESSAGES, *FURIOUS_FIRST_MESSAGES, "", EMOJI_ONLY_TEXT, LONG_TEXT]

    batch = model.scores(texts)

    assert [model.score_with_signals(text)[0] for text in texts] == pytest.approx(batch, abs=1e-9)


@pytest.mark.parametrize("data", [{}, {"text": ""}, {"text": EMOJI_ONLY_TEXT}, {"text": LONG_TEXT}],
                         ids=["no-text", "empty", "emoji-only", "20kB"])
def test_odd_messages_still_get_a_score_in_range(classifier: FrustrationClassifier, data: dict) -> None:
    message = Message(data=dict(data))

    classifier.process([message])

    assert 0.0 <= message.get(FRUSTRATION_KEY)["score"] <= 1.0


def test_an_untrained_component_says_so_instead_of_scoring(storage: LocalModelStorage) -> None:
    untrained = FrustrationClassifier.create({}, storage, Resource("untrained"), CONTEXT)

    with pytest.raises(RuntimeError, match="before training"):
        untrained.process([Message(data={"text": "hi"})])


def test_training_data_passes_through_unchanged(classifier: FrustrationClassifier) -> None:
    training_data = TrainingData([Message(data={"text": "hi", "intent": "greet"})])

    assert classifier.process_training_data(training_data) is training_data


def test_editing_a_frustration_data_file_changes_the_fingerprint(tmp_path: Path) -> None:
    """Rasa retrains the component when the fingerprint changes; it does not watch data/frustration."""
    copy = tmp_path / "frustration"
    shutil.copytree(FRUSTRATION_DATA, copy)
    before = data_fingerprint(copy)

    with (copy / "frustrated.yml").open("a", encoding="utf-8") as handle:
        handle.write("    - one more angry line\n")

    assert data_fingerprint(copy) != before
    assert FrustrationClassifier.fingerprint_addon({}).startswith(data_fingerprint(FRUSTRATION_DATA))


def test_the_pipelines_embedding_is_used_and_scores_as_one_encoded_here(classifier: FrustrationClassifier) -> None:
    text = "I have now explained this to four of your colleagues"
    featurized, plain = Message.build(text=text), Message.build(text=text)
    featurizer_config = {**MiniLMFeaturizer.get_default_config(), "scale": 8.0}
    MiniLMFeaturizer.create(featurizer_config, None, Resource("minilm"), CONTEXT).process([featurized])  # type: ignore[arg-type]
    assert message_embedding(featurized) is not None and message_embedding(plain) is None

    classifier.process([featurized, plain])
    assert featurized.get(FRUSTRATION_KEY) == plain.get(FRUSTRATION_KEY)
    assert "reads_frustrated" in featurized.get(FRUSTRATION_KEY)["signals"]


def test_general_chat_is_left_to_the_reddit_stage_and_requests_to_the_service_stage(
    classifier: FrustrationClassifier, storage: LocalModelStorage
) -> None:
    """The domain gate: the customer-service stage never learnt chat about football or films."""
    with storage.read_from(RESOURCE) as model_dir:
        model = load_model(model_dir)
    requests = ["my order hasn't shipped yet, can you check?", "how do I return a kettle that doesn't fit"]
    chat = "Haha I remember watching that game with my dad, what a finish"
    assert model.gate is not None
    vectors = shared_encoder().encode([*requests, chat])

    shares = model.gate.shares(vectors)

    assert shares[:2].min() > 0.9
    assert shares[2] < 0.5
    assert model.scores([chat], vectors[2:])[0] == pytest.approx(
        shares[2] * model.service_scores([chat], vectors[2:])[0] + (1 - shares[2]) * model.reddit_scores([chat])[0]
    )
