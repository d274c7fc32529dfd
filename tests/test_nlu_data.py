"""Checks on the NLU training data in data/nlu: coverage, clashes and entity patterns."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.frustration_corpus import in_domain_examples

REPO_ROOT = Path(__file__).resolve().parents[1]
NLU_DIR = REPO_ROOT / "data" / "nlu"
ENTITIES_FILE = NLU_DIR / "entities.yml"
CATALOGUE_FILE = REPO_ROOT / "data" / "shop" / "catalogue.yml"
EVAL_FILE = REPO_ROOT.parent / "shared" / "eval" / "intents_dev.csv"
FIRST_DATA_EVERYDAY_PHRASES = frozenset({
    "hi", "hello", "hey", "hiya", "are you a robot", "is this a bot", "farewell", "until next time",
    "see ya", "peace out", "thanks", "thank you", "thanks a lot", "thank you so much", "thanks for your help",
    "yes", "sounds good", "confirmed", "nah", "absolutely not", "no, that's wrong",
})

INTENTS = (
    "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "complaint",
    "product_question", "feedback", "order_status", "place_order", "change_order",
    "cancel_order", "refund", "policy_question", "delivery", "payment", "invoice", "account",
    "contact", "newsletter", "request_human", "nps_score", "out_of_scope", "warranty_claim",
)
MIN_EXAMPLES = 25
# The regex runs as RegexEntityExtractor runs it: re.finditer, case-insensitive.
ORDER_ID_SHAPES = ("113542617735902", "#55213", "A-10442", "ord-7781", "00123842", "ORD-7781", "BW10442")
NOT_ORDER_IDS = (
    "9", "10", "2024", "10/10", "0. never", "I'd say 7", "probably a 3", "$129", "24/7",
    "a compensation of350 dollars", "20,000 mAh", "the 16-inch laptop",
)


def normalise(text: str) -> str:
    """Lower-case text with whitespace collapsed and trailing punctuation dropped, for comparisons."""
    return re.sub(r"\s+", " ", text.lower()).strip().rstrip("?!. ")


@pytest.fixture(scope="module")
def per_file() -> dict[str, TrainingData]:
    """Every intent file in data/nlu, parsed by Rasa's own reader, keyed by file stem."""
    return {path.stem: load_data(str(path)) for path in sorted(NLU_DIR.glob("*.yml")) if path != ENTITIES_FILE}


@pytest.fixture(scope="module")
def all_data() -> TrainingData:
    """The whole of data/nlu as Rasa trains on it."""
    return load_data(str(NLU_DIR))


@pytest.fixture(scope="module")
def order_id_pattern(all_data: TrainingData) -> re.Pattern[str]:
    """The `order_id` regex from data/nlu/entities.yml, compiled as the extractor compiles it."""
    patterns = [regex["pattern"] for regex in all_data.regex_features if regex["name"] == "order_id"]
    assert len(patterns) == 1, "data/nlu/entities.yml must define exactly one `regex: order_id`"
    return re.compile(patterns[0], re.IGNORECASE)


@pytest.fixture(scope="module")
def product_lookup(all_data: TrainingData) -> list[str]:
    """The elements of `lookup: product`."""
    tables = [table["elements"] for table in all_data.lookup_tables if table["name"] == "product"]
    assert len(tables) == 1, "data/nlu/entities.yml must define exactly one `lookup: product`"
    return list(tables[0])


def catalogue_names() -> set[str]:
    """Every product name and synonym in the catalogue, lower-cased."""
    catalogue = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    return {name.lower() for product in catalogue["products"] for name in [product["name"], *product.get("synonyms", [])]}


@pytest.mark.parametrize("intent", INTENTS)
def test_every_intent_has_its_own_file_with_enough_examples(intent: str, per_file: dict[str, TrainingData]) -> None:
    assert intent in per_file, f"missing data/nlu/{intent}.yml"
    intents_in_file = {example.get("intent") for example in per_file[intent].intent_examples}
    assert intents_in_file == {intent}, f"data/nlu/{intent}.yml holds examples of {sorted(intents_in_file)}"
    count = len(per_file[intent].intent_examples)
    assert count >= MIN_EXAMPLES, f"{intent} has {count} examples, needs at least {MIN_EXAMPLES}"


def test_no_file_for_an_unknown_intent(per_file: dict[str, TrainingData]) -> None:
    assert set(per_file) <= set(INTENTS), f"unexpected files: {sorted(set(per_file) - set(INTENTS))}"


def test_no_example_appears_twice(all_data: TrainingData) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for example in all_data.intent_examples:
        key = normalise(example.get("text"))
        seen[key].add(example.get("intent"))
        counts[key] += 1
    clashes = {text: sorted(intents) for text, intents in seen.items() if len(intents) > 1}
    assert not clashes, f"examples under two intents: {clashes}"
    repeats = sorted(text for text, count in counts.items() if count > 1)
    assert not repeats, f"examples repeated within an intent: {repeats}"


def test_product_lookup_is_exactly_the_catalogue(product_lookup: list[str]) -> None:
    assert len(product_lookup) == len(set(product_lookup)), "duplicate entries in lookup: product"
    expected = catalogue_names()
    assert set(product_lookup) == expected, (
        f"missing from lookup: {sorted(expected - set(product_lookup))}; "
        f"not in catalogue: {sorted(set(product_lookup) - expected)}"
    )


def test_product_lookup_lists_longer_names_first(product_lookup: list[str]) -> None:
    """The extractor takes the first alternative that matches, so "aura mini" must precede "aura"."""
    for index, name in enumerate(product_lookup):
        later_containing = [other for other in product_lookup[index + 1 :] if re.search(rf"\b{re.escape(name)}\b", other)]
        assert not later_containing, f"{later_containing} must come before {name!r} in lookup: product"


@pytest.mark.parametrize("shape", ORDER_ID_SHAPES)
def test_order_id_regex_matches_order_numbers(shape: str, order_id_pattern: re.Pattern[str]) -> None:
    text = f"where is order {shape} please"
    assert [match.group() for match in order_id_pattern.finditer(text)] == [shape]


@pytest.mark.parametrize("text", NOT_ORDER_IDS)
def test_order_id_regex_ignores_scores_years_and_prices(text: str, order_id_pattern: re.Pattern[str]) -> None:
    assert not order_id_pattern.search(text), f"order_id regex matched {text!r}"


def test_annotated_entities_are_ones_the_extractor_finds(
    all_data: TrainingData, order_id_pattern: re.Pattern[str], product_lookup: list[str]
) -> None:
    """Annotations must agree with what RegexEntityExtractor will extract at run time."""
    products = set(product_lookup)
    wrong = []
    for example in all_data.intent_examples:
        for entity in example.get("entities") or []:
            value = entity["value"]
            if entity["entity"] == "product" and value.lower() not in products:
                wrong.append(f"product {value!r} (not in the lookup) in {example.get('text')!r}")
            elif entity["entity"] == "order_id" and not order_id_pattern.fullmatch(value):
                wrong.append(f"order_id {value!r} (regex does not match) in {example.get('text')!r}")
            elif entity["entity"] not in {"product", "order_id"}:
                wrong.append(f"unknown entity {entity['entity']!r} in {example.get('text')!r}")
    assert not wrong, "\n".join(wrong)


def test_order_ids_in_examples_are_annotated(all_data: TrainingData, order_id_pattern: re.Pattern[str]) -> None:
    missing = []
    for example in all_data.intent_examples:
        annotated = {entity["value"] for entity in example.get("entities") or [] if entity["entity"] == "order_id"}
        found = {match.group() for match in order_id_pattern.finditer(example.get("text"))}
        if found - annotated:
            missing.append(f"{sorted(found - annotated)} in {example.get('text')!r}")
    assert not missing, "order numbers without an [..](order_id) annotation:\n" + "\n".join(missing)


def test_no_evaluation_sentence_is_in_the_training_data(all_data: TrainingData) -> None:
    """No text of ../shared/eval is trained on, as an intent example or a frustration example.

    The exceptions are short everyday phrases that were in the project's first data set, before
    the evaluation files came, and that any such data set has ("hi", "thanks a lot").
    """
    if not EVAL_FILE.exists():
        pytest.skip(f"{EVAL_FILE} not present (it lives in ../shared, outside a user's clone)")
    eval_texts: set[str] = set()
    for path in sorted(EVAL_FILE.parent.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            eval_texts.update(normalise(row["text"]) for row in csv.DictReader(handle))
    ours = [example.get("text") for example in all_data.intent_examples]
    ours += [example.text for example in in_domain_examples()]
    copied = sorted({normalise(text) for text in ours} & eval_texts - FIRST_DATA_EVERYDAY_PHRASES)
    assert not copied, f"texts that stand in an evaluation file: {copied}"