"""Tests for bot/frustration.py: real messages in, scores and signals out."""

from __future__ import annotations

import csv
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.frustration import FrustrationAssessment, FrustrationScorer, load_lexicon

REPO_ROOT = Path(__file__).resolve().parents[2]
DEV_SET = (REPO_ROOT / "../shared/eval/frustration_dev.csv").resolve()
THRESHOLD = 0.5
# Measured on frustration_dev.csv: F1 0.535 at threshold 0.5; VADER compound <= -0.05: 0.477.
MIN_DEV_F1 = 0.52
MIN_GAIN_OVER_VADER = 0.04

FRUSTRATED = [
    "This is the THIRD time I'm asking, your service is useless!!!",
    "where is my order?? still nothing after two weeks",
    "I want to talk to a human NOW",
    "WHERE IS MY ORDER",
    "I've been waiting 3 weeks for my refund, this is ridiculous",
    "Still no response. Unbelievable.",
    "I'm going to cancel my subscription and never order again",
    "This bot is useless, get me a real person",
    "f*** this",
    "Worst customer service ever 😡",
    "How many times do I have to explain this?",
    "My package never arrived and nobody answers",
    "Are you kidding me? Again??",
    "You're not listening to me",
    "Thanks for nothing",
    "this is a scam",
    "I am so fed up with this company",
    "Seriously?? 2 weeks and nothing",
]

CALM = [
    "Thanks, that helps!",
    "Where is my order?",
    "where is my order A-10442",
    "where is my order??",
    "What are your opening hours?",
    "I want to cancel my order",
    "Can I change my delivery address?",
    "Great, thank you so much!",
    "no",
    "ok",
    "My order number is 12345",
    "How do I reset my password?",
    "I'd like a refund for order 5512 please",
    "Can I talk to someone about my account?",
    "THANK YOU SO MUCH!!!",
    "Nope, nothing else",
    "Sorry, I typed the wrong email",
]


@pytest.fixture(scope="module")
def scorer() -> FrustrationScorer:
    """One scorer for the module: building it reads the lexicons."""
    return FrustrationScorer(threshold=THRESHOLD)


@pytest.mark.parametrize("text", FRUSTRATED)
def test_frustrated_customer_messages_cross_the_threshold(
    scorer: FrustrationScorer, text: str
) -> None:
    assessment = scorer.assess(text)
    assert assessment.is_frustrated, (text, assessment)
    assert assessment.signals


@pytest.mark.parametrize("text", CALM)
def test_calm_customer_messages_stay_under_the_threshold(
    scorer: FrustrationScorer, text: str
) -> None:
    assert not scorer.assess(text).is_frustrated, (text, scorer.assess(text))


def test_assessment_names_the_signals_that_fired(scorer: FrustrationScorer) -> None:
    assessment = scorer.assess("This is the THIRD time I'm asking, your service is useless!!!")
    assert isinstance(assessment, FrustrationAssessment)
    assert {"third_time", "repeated_punctuation", "negative_sentiment"} <= set(assessment.signals)
    assert assessment.score == scorer.score(
        "This is the THIRD time I'm asking, your service is useless!!!"
    )


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("WHY DOES NOTHING EVER WORK HERE", "all_caps"),
        ("Hello??? Anyone there???", "repeated_punctuation"),
        ("this is fucking ridiculous", "profanity"),
        ("what a f**king mess", "profanity"),
        ("this is sh*t", "profanity"),
        ("I'll take my business elsewhere, never again", "threat_to_leave"),
        ("this is the third time I write to you", "third_time"),
        ("🤬🤬", "angry_emoji"),
        ("Your service is terrible and I hate it", "negative_sentiment"),
    ],
)
def test_each_kind_of_signal_is_reported(scorer: FrustrationScorer, text: str, signal: str) -> None:
    assert signal in scorer.assess(text).signals


def test_thanks_and_shouting_for_joy_is_not_frustration(scorer: FrustrationScorer) -> None:
    assert scorer.score("THANK YOU SO MUCH!!!") < scorer.score("THIS IS A JOKE!!!")


def test_repeating_the_same_request_raises_the_score(scorer: FrustrationScorer) -> None:
    text = "Where is my order 5512?"
    alone = scorer.assess(text)
    repeated = scorer.assess(text, history=["Where is my order 5512?", "where is my order 5512"])
    assert repeated.score > alone.score
    assert "repeated_request" in repeated.signals
    assert "repeated_request" not in alone.signals


def test_a_different_request_is_not_a_repeat(scorer: FrustrationScorer) -> None:
    assessment = scorer.assess("How do I reset my password?", history=["I want to cancel my order"])
    assert "repeated_request" not in assessment.signals


def test_earlier_frustration_carries_over_and_fades(scorer: FrustrationScorer) -> None:
    text = "ok what now"
    angry = "This is ridiculous, your service is useless!!!"
    recent = scorer.assess(text, history=["hi", angry])
    older = scorer.assess(text, history=[angry, "hi", "my order is 5512", "it was a blue jacket"])
    alone = scorer.assess(text, history=["hi", "my order is 5512"])
    assert recent.score > older.score > alone.score
    assert "earlier_frustration" in recent.signals
    assert "earlier_frustration" not in alone.signals


def test_a_calm_reply_after_an_angry_message_is_not_frustrated_by_itself(
    scorer: FrustrationScorer,
) -> None:
    angry = "This is ridiculous, nobody answers!!"
    assert scorer.assess(angry).is_frustrated
    assert not scorer.assess("ok, my order is 5512", history=[angry]).is_frustrated
    assert scorer.assess("still nothing?", history=[angry, "ok"]).is_frustrated


def test_answering_the_bot_is_not_a_repeated_request(scorer: FrustrationScorer) -> None:
    assessment = scorer.assess("It's order 5512", history=["Hi, where is my order 5512?"])
    assert "repeated_request" not in assessment.signals


def test_asking_for_the_same_order_again_escalates(scorer: FrustrationScorer) -> None:
    history = ["Hi, where is my order 5512?", "It's order 5512"]
    assert not scorer.assess(history[0]).is_frustrated
    assert scorer.assess("where is my order 5512", history=history).is_frustrated


def test_history_outside_the_window_is_ignored(scorer: FrustrationScorer) -> None:
    angry = "This is ridiculous, your service is useless!!!"
    calm_turns = [f"my order number is {number}" for number in range(20)]
    assert scorer.score("ok", history=[angry, *calm_turns]) == scorer.score(
        "ok", history=calm_turns
    )


def test_two_misunderstandings_in_a_row_cross_the_threshold_alone(
    scorer: FrustrationScorer,
) -> None:
    text = "I need the thing for the other thing"
    assert not scorer.assess(text).is_frustrated
    once = scorer.assess(text, misunderstood_streak=1)
    twice = scorer.assess(text, misunderstood_streak=2)
    assert scorer.score(text) < once.score < twice.score
    assert not once.is_frustrated
    assert twice.is_frustrated
    assert "bot_misunderstood" in twice.signals


def test_misunderstanding_crosses_a_stricter_threshold_too() -> None:
    strict = FrustrationScorer(threshold=0.9)
    assert strict.assess("ok", misunderstood_streak=2).is_frustrated


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😡",
        "🙂🙂🙂",
        "?!?!?!",
        "x" * 20_000,
        "This is useless!!! " * 1_000,
        "\u0000\ufeff",
        "[NAME]",
    ],
)
def test_score_is_always_between_zero_and_one(scorer: FrustrationScorer, text: str) -> None:
    score = scorer.score(text, history=[text, "hello"], misunderstood_streak=5)
    assert 0.0 <= score <= 1.0
    assert 0.0 <= scorer.score(text) <= 1.0


def test_long_messages_are_scored_quickly(scorer: FrustrationScorer) -> None:
    text = "I have been waiting for weeks and this is useless. " * 400
    started = time.process_time()
    assert scorer.assess(text).is_frustrated
    assert time.process_time() - started < 0.05


def test_scoring_costs_well_under_a_millisecond_per_message() -> None:
    fresh = FrustrationScorer(threshold=THRESHOLD)
    texts = [f"{text} (case {number})" for number in range(20) for text in FRUSTRATED + CALM]
    started = time.process_time()
    for text in texts:
        fresh.score(text, history=texts[:3])
    assert (time.process_time() - started) / len(texts) < 0.001


def test_threshold_can_be_overridden_and_is_validated() -> None:
    assert FrustrationScorer(threshold=0.6).threshold == 0.6
    with pytest.raises(ValueError, match="between 0 and 1"):
        FrustrationScorer(threshold=1.5)


def test_default_threshold_comes_from_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings_file = tmp_path / "settings.yml"
    settings_file.write_text("frustration:\n  threshold: 0.73\n", encoding="utf-8")
    monkeypatch.setenv("BRIGHTWAY_SETTINGS", str(settings_file))
    monkeypatch.delenv("BRIGHTWAY_FRUSTRATION_THRESHOLD", raising=False)
    assert FrustrationScorer().threshold == 0.73


def test_unquoted_yaml_boolean_in_the_lexicon_is_reported(tmp_path: Path) -> None:
    lexicon_text = (REPO_ROOT / "bot/frustration_lexicon.yml").read_text(encoding="utf-8")
    broken = tmp_path / "lexicon.yml"
    broken.write_text(lexicon_text.replace('      - "no"\n', "      - no\n", 1), encoding="utf-8")
    with pytest.raises(ValueError, match="quote it"):
        FrustrationScorer(threshold=THRESHOLD, lexicon_path=broken)


def test_missing_lexicon_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read frustration lexicon"):
        load_lexicon(tmp_path / "missing.yml")


def test_importing_the_module_loads_nothing() -> None:
    code = "import sys, bot.frustration; print('vaderSentiment' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def _f1(predictions: list[bool], labels: list[bool]) -> float:
    """F1 of the positive class."""
    true_pos = sum(
        1 for predicted, actual in zip(predictions, labels, strict=True) if predicted and actual
    )
    predicted_pos = sum(predictions)
    actual_pos = sum(labels)
    return 2 * true_pos / (predicted_pos + actual_pos) if predicted_pos + actual_pos else 0.0


@pytest.mark.skipif(
    not DEV_SET.is_file(),
    reason=f"no shared evaluation data at {DEV_SET} (only on dev/CI machines)",
)
def test_f1_on_the_shared_dev_set_beats_the_vader_baseline(scorer: FrustrationScorer) -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    with DEV_SET.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    labels = [row["label"] == "1" for row in rows]
    ours = _f1([scorer.assess(row["text"]).is_frustrated for row in rows], labels)
    vader = SentimentIntensityAnalyzer()
    baseline = _f1(
        [vader.polarity_scores(row["text"])["compound"] <= -0.05 for row in rows], labels
    )
    assert ours >= MIN_DEV_F1, f"F1 {ours:.3f} on {DEV_SET.name}"
    assert ours >= baseline + MIN_GAIN_OVER_VADER, f"F1 {ours:.3f} vs VADER {baseline:.3f}"
