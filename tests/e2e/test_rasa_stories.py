"""`rasa test core` on tests/test_stories.yml with the trained model, started as our servers start
Rasa (`bot.server.entry`: the same graph runner and start-up steps): every story passes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.launcher.processes import PRIVATE_LOGS
from bot.settings import REPO_ROOT

pytestmark = pytest.mark.slow


def test_conversation_stories_pass(trained_model: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            *PRIVATE_LOGS, "rasa", "test", "core",
            "--model", str(trained_model),
            "--stories", str(REPO_ROOT / "tests" / "test_stories.yml"),
            "--out", str(tmp_path),
            "--fail-on-prediction-errors",
        ],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600,
    )
    failed = (tmp_path / "failed_test_stories.yml")
    details = failed.read_text() if failed.exists() else result.stdout[-3000:] + result.stderr[-3000:]
    assert result.returncode == 0, details
