"""The CI gate catches mislabelled training data through the frozen regression set.

Moving 10 `order_status` examples under a new intent hardly moves held-out accuracy (the
held-out split comes from the same files), but the regression phrasings of `order_status` now
read as the new intent, and the gate says so, naming both. To keep the two trainings short the
project is a slice of this one: five intents with their real examples and their part of
`tests/nlu_regression.yml`.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from typing import List

import pytest
from ruamel.yaml import YAML

from bot.settings import REPO_ROOT
from bot.trainer.cli import main
from bot.trainer.nlu_evaluation import EvalOptions, accept, run_eval
from bot.trainer.training_sources import ProjectPaths

INTENTS = ("order_status", "delivery", "cancel_order", "refund", "greet")
MOVED = 10


def slice_of_project(root: Path) -> ProjectPaths:
    """Config, NLU files, regression phrasings, domain and rules of `INTENTS` only."""
    (root / "data" / "nlu").mkdir(parents=True)
    for intent in INTENTS:
        shutil.copy(REPO_ROOT / "data" / "nlu" / f"{intent}.yml", root / "data" / "nlu" / f"{intent}.yml")
    shutil.copy(REPO_ROOT / "config.yml", root / "config.yml")
    write_domain(root, INTENTS)
    (root / "data" / "stories.yml").write_text('version: "3.1"\nstories: []\n')
    write_rules(root, INTENTS)
    yaml = YAML(typ="safe")
    regression = yaml.load((REPO_ROOT / "tests" / "nlu_regression.yml").read_text(encoding="utf-8"))
    regression["nlu"] = [entry for entry in regression["nlu"] if entry["intent"] in INTENTS]
    (root / "tests").mkdir()
    with (root / "tests" / "nlu_regression.yml").open("w", encoding="utf-8") as handle:
        yaml.dump(regression, handle)
    return ProjectPaths(root)


def write_domain(root: Path, intents: tuple) -> None:
    """A domain with `intents`, the two entities the examples annotate and one response per intent."""
    responses = "".join(f'  utter_{intent}: [{{text: "{intent}"}}]\n' for intent in intents)
    (root / "domain.yml").write_text(
        f'version: "3.1"\nintents: [{", ".join(intents)}]\nentities: [order_id, product]\nresponses:\n{responses}'
        '  utter_default: [{text: "Sorry"}]\n  utter_please_rephrase: [{text: "Again?"}]\n'
    )


def write_rules(root: Path, intents: tuple) -> None:
    """One rule per intent answering with its response."""
    rules = "".join(
        f"  - rule: {intent}\n    steps:\n      - intent: {intent}\n      - action: utter_{intent}\n" for intent in intents
    )
    (root / "data" / "rules.yml").write_text(f'version: "3.1"\nrules:\n{rules}')


def move_examples(paths: ProjectPaths, source: str, target: str, count: int) -> List[str]:
    """Move the first `count` plain examples of `source` into a new intent `target` (domain and rules too)."""
    file = paths.nlu_dir / f"{source}.yml"
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    moved = [line for line in lines if line.startswith("    - ") and "](" not in line][:count]
    file.write_text("".join(line for line in lines if line not in moved), encoding="utf-8")
    (paths.nlu_dir / f"{target}.yml").write_text(
        f'version: "3.1"\nnlu:\n- intent: {target}\n  examples: |\n' + "".join(moved), encoding="utf-8"
    )
    write_domain(paths.root, (*INTENTS, target))
    write_rules(paths.root, (*INTENTS, target))
    return [line.strip()[2:] for line in moved]


def options(paths: ProjectPaths, tmp_path: Path, run: str) -> EvalOptions:
    """Eval settings that keep every file of one run under `tmp_path`."""
    return EvalOptions(
        paths=paths, dev_data=None, workspace=tmp_path / run / "heldout", heldout_models=tmp_path / run / "models",
        latest_report=tmp_path / run / "nlu_latest.json", confusion_png=tmp_path / run / "cm.png",
        regression_set=paths.regression_set,
    )


@pytest.mark.slow
def test_moving_ten_examples_to_another_intent_fails_the_gate_naming_both(tmp_path: Path) -> None:
    paths = slice_of_project(tmp_path / "project")
    before = options(paths, tmp_path, "before")
    run_eval(before, io.StringIO())
    accepted = accept(before.latest_report, tmp_path / "nlu_accepted.json").path

    moved = move_examples(paths, "order_status", "gift_wrapping", MOVED)
    assert len(moved) == MOVED
    after = options(paths, tmp_path, "after")
    run_eval(after, io.StringIO())

    out = io.StringIO()
    code = main(["gate", "--latest", str(after.latest_report), "--accepted", str(accepted)], out)
    message = out.getvalue()
    assert code == 1, message
    assert re.search(r"\d+ order_status phrasing\(s\) now read as gift_wrapping", message), message

