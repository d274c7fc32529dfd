"""Tests for bot/trainer/training_sources.py: every item read with the file and line it is written on."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.trainer.training_sources import Location, Mention, ProjectPaths, SourceError, load_trainer_data

NLU = """version: "3.1"
nlu:
- intent: refund
  examples: |
    - refund my [earbuds](product)

    - money back for [#55213](order_id) please
- intent: refund
  examples:
    - text: 'refund order [A-10442]{"entity": "order_id", "value": "A-10442"}'
      metadata: {sentiment: neutral}
- lookup: product
  examples: |
    - earbuds
"""
DOMAIN = """version: "3.1"
intents:
  - refund
  - greet:
      use_entities: []
entities: [product, order_id]
responses:
  utter_refund:
    - text: "ok"
actions:
  - action_refund
"""
STORIES = """version: "3.1"
stories:
  - story: refund or greet
    steps:
      - or:
          - intent: refund
          - intent: greet
      - action: utter_refund
      - intent: refund
        entities:
          - product: earbuds
"""


@pytest.fixture
def project(tmp_path: Path) -> ProjectPaths:
    """A small project written for these tests."""
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "data" / "nlu" / "refund.yml").write_text(NLU)
    (tmp_path / "domain.yml").write_text(DOMAIN)
    (tmp_path / "data" / "stories.yml").write_text(STORIES)
    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "refunds.py").write_text('SAY = "utter_refund"\n')
    return ProjectPaths(tmp_path)


def test_examples_keep_their_line_text_and_entities(project: ProjectPaths) -> None:
    data = load_trainer_data(project)
    assert [(e.text, e.where.line) for e in data.examples] == [
        ("refund my earbuds", 5),
        ("money back for #55213 please", 7),
        ("refund order A-10442", 10),
    ]
    assert data.examples[0].mentions == (Mention("product", "earbuds"),)
    assert data.examples[2].mentions == (Mention("order_id", "A-10442"),)
    assert data.examples[0].where == Location("data/nlu/refund.yml", 5)
    assert [(b.name, b.where.line) for b in data.intent_blocks] == [("refund", 3), ("refund", 8)]
    assert [(table, e.name, e.where.line) for table, e in data.lookups] == [("product", "earbuds", 14)]


def test_domain_names_in_either_form_with_lines(project: ProjectPaths) -> None:
    data = load_trainer_data(project)
    assert [(i.name, i.where.line) for i in data.domain_intents] == [("refund", 3), ("greet", 4)]
    assert [e.name for e in data.domain_entities] == ["product", "order_id"]
    assert [(r.name, r.where.line) for r in data.domain_responses] == [("utter_refund", 8)]
    assert [a.name for a in data.domain_actions] == ["action_refund"]


def test_story_steps_including_or_and_entities(project: ProjectPaths) -> None:
    data = load_trainer_data(project)
    assert [(s.name, s.where.line) for s in data.step_intents] == [("refund", 5), ("greet", 5), ("refund", 9)]
    assert [s.name for s in data.step_actions] == ["utter_refund"]
    assert data.step_mentions == [(Mention("product", "earbuds"), Location("data/stories.yml", 9))]


def test_responses_named_in_action_code(project: ProjectPaths) -> None:
    [named] = load_trainer_data(project).code_responses
    assert (named.name, str(named.where)) == ("utter_refund", "actions/refunds.py:1")


def test_broken_yaml_names_file_and_line(project: ProjectPaths) -> None:
    project.domain.write_text("intents:\n  - refund\n - greet: [\n")
    with pytest.raises(SourceError) as raised:
        load_trainer_data(project)
    assert raised.value.where.file == "domain.yml"
    assert raised.value.where.line == 3
    assert "not valid YAML" in raised.value.problem
