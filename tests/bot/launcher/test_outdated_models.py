"""`bot.launcher.outdated_models`: a model that names classes this code lacks is retrained, with a reason."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
import yaml

from bot.launcher.outdated_models import component_classes, outdated_model_reason
from bot.launcher.processes import StartupError, train
from bot.settings import REPO_ROOT
from tests.model_archives import model_archive

GONE_POLICY = "bot.layout_before_issue_13.HandoffPolicy"
RASA_POLICY = "rasa.core.policies.rule_policy.RulePolicy"


def test_a_model_naming_a_moved_class_is_outdated_in_one_line(tmp_path: Path) -> None:
    model = model_archive(tmp_path / "old.tar.gz", [RASA_POLICY, GONE_POLICY])
    assert component_classes(model) == [RASA_POLICY, GONE_POLICY]
    reason = outdated_model_reason(model)
    assert reason is not None
    assert "\n" not in reason
    assert reason.startswith("Retraining: old.tar.gz was trained by an older version")
    assert GONE_POLICY in reason
    assert RASA_POLICY not in reason


def test_a_model_of_this_layout_is_not_outdated(tmp_path: Path) -> None:
    config = yaml.safe_load((REPO_ROOT / "config.yml").read_text(encoding="utf-8"))
    ours = [item["name"] for item in config["pipeline"] + config["policies"] if "." in item["name"]]
    assert ours, "config.yml names at least one of our components by dotted path"
    assert outdated_model_reason(model_archive(tmp_path / "new.tar.gz", [RASA_POLICY, *ours])) is None


def test_an_unreadable_archive_is_outdated_too(tmp_path: Path) -> None:
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a tar file")
    assert (outdated_model_reason(broken) or "").startswith("Retraining: broken.tar.gz cannot be read")


def test_train_says_why_before_training_over_an_outdated_model(tmp_path: Path) -> None:
    """The reason comes first; the forced training then checks the data, which refuses a folder without any."""
    models = tmp_path / "models"
    model_archive(models / "20240101-000000-old.tar.gz", [GONE_POLICY])
    lines: List[str] = []
    with pytest.raises(StartupError, match="domain.yml does not exist"):
        train(models, root=tmp_path, report=lines.append)
    assert lines[0] == outdated_model_reason(models / "20240101-000000-old.tar.gz")
    assert lines[1:] == ["Checking the training data first (the lints of `make check-data`) ..."]
