"""Tests for bot/trainer/lint_entities.py on a copy of the project: broken entity markup, annotations the
extractor would never produce, and a product lookup table that differs from the catalogue are errors with
file and line, as tests/test_nlu_data.py (make test) would fail on them."""

from __future__ import annotations

import io
from typing import List, Tuple

import pytest

from bot.trainer.data_lint import check_data
from bot.trainer.training_sources import ProjectPaths

PLACE_ORDER = "data/nlu/place_order.yml"
ENTITIES = "data/nlu/entities.yml"


def add_example(project: ProjectPaths, example: str) -> int:
    """Append an example to the place_order block (the file's last); return its line number."""
    path = project.root / PLACE_ORDER
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n"
    path.write_text(text + f"    - {example}\n", encoding="utf-8")
    return text.count("\n") + 1


def run_check(project: ProjectPaths) -> Tuple[int, str]:
    """Exit code and output of check-data without Rasa's validate."""
    out = io.StringIO()
    code = check_data(project, out=out, rasa_validate=None)
    return code, out.getvalue()


def error_lines(output: str) -> List[str]:
    """The error lines of check-data's output."""
    return [line for line in output.splitlines() if ": error: " in line]


@pytest.mark.parametrize("example, problem", [
    ("i'd like the [Nimbus Wireless Earbuds(product) for pickup", "'[' is never closed with ']'"),
    ("can i collect [#55213](order_id at the store", "'(' after ']' is never closed with ')'"),
    ('can i buy [earbuds]{"entity": "product" at the store', "'{' after ']' is never closed with '}'"),
    ("i'd like [my earbuds] (product) in store", "a space between ']' and '('"),
    ("i'd like Nimbus Earbuds(product) in store", "'(product)' without '[words]' right before it"),
    ('i want [earbuds]{"entity": product} today', "Rasa cannot read the entity markup"),
    ("i want [earbuds] today", "a '[' or ']' that is not part of an entity annotation"),
])
def test_broken_entity_markup_is_an_error_at_its_line(project: ProjectPaths, example: str, problem: str) -> None:
    number = add_example(project, example)
    code, output = run_check(project)
    assert code == 1, output
    [line] = error_lines(output)
    assert line.startswith(f"{PLACE_ORDER}:{number}: error: ")
    assert problem in line and "Fix: " in line
    assert "Traceback" not in output


def test_a_misspelt_product_annotation_is_an_error_naming_the_catalogue_spelling(project: ProjectPaths) -> None:
    number = add_example(project, "can i order the [earbudz](product) online")
    code, output = run_check(project)
    assert code == 1
    [line] = error_lines(output)
    assert line.startswith(f"{PLACE_ORDER}:{number}: error: product 'earbudz' is not in the catalogue as a name or "
                           "synonym (did you mean 'earbuds'?)")
    assert "leave a customer's misspelling unannotated" in line


def test_an_order_number_must_be_annotated_and_an_annotation_must_be_one(project: ProjectPaths) -> None:
    unannotated = add_example(project, "can i add to order #55213")
    wrong = add_example(project, "can i add to order [number 55](order_id)")
    code, output = run_check(project)
    assert code == 1
    assert error_lines(output) == [
        f"{PLACE_ORDER}:{unannotated}: error: '#55213' in 'can i add to order #55213' is an order_id (the regex "
        "finds it) but is not annotated. Fix: annotate it: [#55213](order_id)",
        f"{PLACE_ORDER}:{wrong}: error: 'number 55' is annotated as order_id, but the order_id regex does not match "
        "it, so it is never extracted. Fix: annotate only the number itself, or remove the annotation if it is not "
        "an order_id",
    ]


def lookup_lines(project: ProjectPaths) -> List[str]:
    """data/nlu/entities.yml as lines."""
    return (project.root / ENTITIES).read_text(encoding="utf-8").splitlines()


def write_lookup(project: ProjectPaths, lines: List[str]) -> None:
    """Write data/nlu/entities.yml back."""
    (project.root / ENTITIES).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_catalogue_name_missing_from_the_lookup_is_an_error(project: ProjectPaths) -> None:
    lines = lookup_lines(project)
    lines.remove("    - wireless earbuds")
    write_lookup(project, lines)
    block = lines.index("- lookup: product") + 1
    code, output = run_check(project)
    assert code == 1
    assert error_lines(output) == [
        f"{ENTITIES}:{block}: error: 'wireless earbuds' is a product name or synonym in data/shop/catalogue.yml but "
        "not in this lookup table, so the extractor never finds it. Fix: add the line '    - wireless earbuds' to "
        "this 'lookup: product' block (above any shorter name it contains)",
    ]


def test_a_lookup_entry_twice_and_a_short_name_before_a_longer_one_are_errors(project: ProjectPaths) -> None:
    lines = lookup_lines(project)
    aura = lines.index("    - aura")
    lines.insert(lines.index("    - aura smart speaker"), "    - aura")
    write_lookup(project, lines)
    code, output = run_check(project)
    assert code == 1
    errors = error_lines(output)
    first = lines.index("    - aura") + 1
    assert f"{ENTITIES}:{first}: error: 'aura' comes before 'aura smart speaker' ({ENTITIES}:{first + 1}), which " \
           "contains it" in "\n".join(errors)
    assert f"{ENTITIES}:{aura + 2}: error: 'aura' is already in this lookup table at {ENTITIES}:{first}" in "\n".join(errors)
