"""Tests for the intent lints of bot/trainer/lint_intents.py and lint_examples.py on a copy of the project:
what tests/test_nlu_data.py (make test) fails on, and a typo in the regression set, fail check-data first."""

from __future__ import annotations

import io
from pathlib import Path
from typing import List, Tuple

import pytest

from bot.trainer.data_lint import check_data
from bot.trainer.training_sources import ProjectPaths
from tests.project_copies import copy_training_project

PLACE_ORDER = "data/nlu/place_order.yml"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's training data, domain, config, actions, regression set and CI data checks."""
    return copy_training_project(tmp_path_factory.mktemp("pristine"), ["tests/nlu_regression.yml", "tests/test_nlu_data.py"])


def append(project: ProjectPaths, name: str, text: str) -> int:
    """Append `text` to a file; return the line number its first line gets."""
    path = project.root / name
    before = path.read_text(encoding="utf-8").rstrip("\n") + "\n"
    path.write_text(before + text, encoding="utf-8")
    return before.count("\n") + 1


def errors(project: ProjectPaths) -> List[str]:
    """check-data's error lines, after checking it failed."""
    out = io.StringIO()
    assert check_data(project, out=out, rasa_validate=None) == 1, out.getvalue()
    return [line for line in out.getvalue().splitlines() if ": error: " in line]


def one_error(project: ProjectPaths) -> Tuple[str, str]:
    """The single error: (`file:line`, the rest)."""
    [line] = errors(project)
    where, rest = line.split(": error: ", 1)
    return where, rest


def test_the_same_example_twice_in_one_intent_is_an_error(project: ProjectPaths) -> None:
    first = append(project, PLACE_ORDER, "    - When can I order by phone\n    - when can i order by phone?\n")
    assert one_error(project) == (
        f"{PLACE_ORDER}:{first + 1}",
        f"'when can i order by phone?' repeats 'When can I order by phone' at {PLACE_ORDER}:{first} (intent "
        "'place_order'; case, spacing and a final '?', '!' or '.' do not count). Fix: delete one of the two lines, "
        "or reword it into a different sentence a customer would write",
    )


def test_a_file_not_named_after_its_intent_is_an_error(project: ProjectPaths) -> None:
    (project.nlu_dir / "contact.yml").rename(project.nlu_dir / "contacts.yml")
    block = (project.nlu_dir / "contacts.yml").read_text(encoding="utf-8").splitlines().index("- intent: contact") + 1
    assert one_error(project) == (
        f"data/nlu/contacts.yml:{block}",
        "data/nlu/contacts.yml holds intent 'contact', but each intent's examples live in a file named after it. "
        "Fix: rename the file to data/nlu/contact.yml",
    )


def test_a_second_intent_inside_an_intents_file_is_an_error(project: ProjectPaths) -> None:
    line = append(project, PLACE_ORDER, "- intent: greet\n  examples: |\n    - good evening shop people\n")
    assert one_error(project) == (
        f"{PLACE_ORDER}:{line}",
        f"a block of intent 'greet' in {PLACE_ORDER}, the file of 'place_order'. "
        "Fix: move this block's examples into data/nlu/greet.yml (create it if there is none)",
    )


def test_a_file_without_an_intent_other_than_entities_is_an_error(project: ProjectPaths) -> None:
    (project.nlu_dir / "products.yml").write_text('version: "3.1"\nnlu:\n- synonym: earbuds\n  examples: |\n    - buds\n')
    where, rest = one_error(project)
    assert where == "data/nlu/products.yml:1"
    assert rest.startswith("data/nlu/products.yml holds no '- intent:' block")
    assert "move its lookups, regexes and synonyms into data/nlu/entities.yml" in rest


def test_a_typo_in_a_regression_set_intent_is_an_error(project: ProjectPaths) -> None:
    path = project.regression_set
    lines = path.read_text(encoding="utf-8").splitlines()
    number = lines.index("- intent: order_status") + 1
    lines[number - 1] = "- intent: order_statu"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    where, rest = one_error(project)
    assert where == f"tests/nlu_regression.yml:{number}"
    assert rest.startswith("intent 'order_statu' is not an intent in domain.yml (did you mean 'order_status'?)")


def test_an_intent_missing_from_the_ci_list_of_intents_is_an_error(project: ProjectPaths) -> None:
    path = project.nlu_data_tests
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(' "warranty_claim",', ' "store_hours",', 1), encoding="utf-8")
    line = text.splitlines().index("INTENTS = (") + 1
    assert errors(project) == [
        f"tests/test_nlu_data.py:{line}: error: INTENTS does not list 'warranty_claim', so make test fails on "
        'data/nlu/warranty_claim.yml as an unexpected file. Fix: add "warranty_claim" to INTENTS here '
        '(docs/training.md, "The list of intents in the tests")',
        f"tests/test_nlu_data.py:{line}: error: INTENTS lists 'store_hours', which has no examples in data/nlu, so "
        "make test fails (missing data/nlu/store_hours.yml). Fix: remove 'store_hours' from INTENTS, or write "
        "data/nlu/store_hours.yml",
    ]


@pytest.mark.parametrize("rule_step, problem", [
    ("- intent: store_hour", "a rule or story uses intent 'store_hour', which is not listed in domain.yml"),
    ("- action: utter_store_hour", "'utter_store_hour' is used here but domain.yml has no response with that name"),
])
def test_rule_mistakes_make_test_would_not_catch_are_errors_too(project: ProjectPaths, rule_step: str, problem: str) -> None:
    line = append(project, "data/rules.yml", f"  - rule: store hours\n    steps:\n      {rule_step}\n")
    where, rest = one_error(project)
    assert (where, rest.split(". Fix: ")[0]) == (f"data/rules.yml:{line + 2}", problem)
