"""Tests for `bot.launcher.processes.train` (used by `make train` and `make run`): the data lints run before
Rasa trains and refuse on errors, they are skipped when Rasa would reuse its model, and a failure shows only
this run's part of the training log.

Rasa itself is replaced where it would run by a project folder whose `bot.server.entry` (the module the
launcher starts Rasa with) is a small script, as in test_processes.py.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import List

import pytest

from bot.launcher.processes import StartupError, TrainingFailed, train, training_inputs_changed
from tests.model_archives import model_archive
from tests.project_copies import copy_training_project

CHECKING = "Checking the training data first (the lints of `make check-data`) ..."


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's training data, domain, config and actions, which pass the lints."""
    return copy_training_project(tmp_path_factory.mktemp("pristine"))


@pytest.fixture
def project(pristine: Path, tmp_path: Path) -> Path:
    """A fresh copy of the project to break."""
    return Path(shutil.copytree(pristine, tmp_path / "project"))


def add_rule(project: Path, step: str) -> int:
    """Append a rule whose second step is `step` to data/rules.yml; return that step's line."""
    rules = project / "data" / "rules.yml"
    before = rules.read_text(encoding="utf-8").rstrip("\n") + "\n"
    rules.write_text(before + f"  - rule: store hours\n    steps:\n      - intent: greet\n      {step}\n", encoding="utf-8")
    return before.count("\n") + 4


@pytest.mark.parametrize("step, problem", [
    ("- intent: store_hour", "a rule or story uses intent 'store_hour', which is not listed in domain.yml"),
    ("- action: utter_store_hour", "'utter_store_hour' is used here but domain.yml has no response with that name"),
])
def test_training_refuses_data_with_lint_errors_before_rasa_starts(
    project: Path, tmp_path: Path, step: str, problem: str,
) -> None:
    line = add_rule(project, step)
    log, lines = tmp_path / "var" / "train.log", []
    with pytest.raises(StartupError) as refused:
        train(tmp_path / "models", root=project, log=log, report=lines.append)
    message = str(refused.value)
    assert f"data/rules.yml:{line}: error: {problem}. Fix: " in message
    assert message.endswith("Nothing was trained: the training data has the errors above.")
    assert ": warning: " not in message
    assert lines == [CHECKING]
    assert not log.exists(), "Rasa was started"


def fake_rasa_project(root: Path, script: str) -> Path:
    """A project folder whose `python -m bot.server.entry ...` (how the launcher starts Rasa) runs `script`."""
    package = root / "bot" / "server"
    package.mkdir(parents=True)
    (root / "bot" / "__init__.py").write_text("", encoding="utf-8")
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "entry.py").write_text(script, encoding="utf-8")
    (root / "data").mkdir()
    (root / "data" / "rules.yml").write_text('version: "3.1"\nrules: []\n', encoding="utf-8")
    return root


def set_mtime(path: Path, seconds: float) -> None:
    """Give `path` a modification time of `seconds` since the epoch."""
    os.utime(path, (seconds, seconds))


def test_inputs_changed_when_there_is_no_model_or_a_training_file_is_newer(tmp_path: Path) -> None:
    root = fake_rasa_project(tmp_path / "project", "")
    model = tmp_path / "models" / "model.tar.gz"
    assert training_inputs_changed(None, root)
    model.parent.mkdir()
    model.write_bytes(b"model")
    set_mtime(root / "data" / "rules.yml", 1_000)
    set_mtime(model, 2_000)
    assert not training_inputs_changed(model, root)
    (root / "domain.yml").write_text("version: '3.1'\n", encoding="utf-8")
    set_mtime(root / "domain.yml", 3_000)
    assert training_inputs_changed(model, root)


def test_no_data_check_when_rasa_would_reuse_the_model(tmp_path: Path) -> None:
    """Here the data (a folder without domain.yml) would fail the lints; an up-to-date model skips them."""
    root = fake_rasa_project(tmp_path / "project", "import sys; sys.exit(0)\n")
    model = model_archive(tmp_path / "models" / "20260101-000000-current.tar.gz")
    set_mtime(root / "data" / "rules.yml", 1_000)
    set_mtime(model, 2_000)
    lines: List[str] = []
    assert train(model.parent, root=root, report=lines.append) == model
    assert lines == []
    set_mtime(root / "data" / "rules.yml", 3_000)
    with pytest.raises(StartupError, match="domain.yml does not exist"):
        train(model.parent, root=root, report=lines.append)
    assert lines == [CHECKING]


def test_a_failed_training_carries_only_this_runs_output(tmp_path: Path) -> None:
    root = fake_rasa_project(tmp_path / "project", "print('this run: data/rules.yml line 3 is wrong'); raise SystemExit(1)\n")
    log = tmp_path / "var" / "train.log"
    log.parent.mkdir()
    log.write_text("an earlier run: ActionNotFoundException utter_gone\n", encoding="utf-8")
    with pytest.raises(TrainingFailed) as failed:
        train(tmp_path / "models", root=root, log=log, check_data_first=False)
    assert failed.value.output.strip() == "this run: data/rules.yml line 3 is wrong"
    assert log.read_text(encoding="utf-8").startswith("an earlier run"), "the log keeps the earlier runs"
