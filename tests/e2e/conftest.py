"""End-to-end fixtures: one trained model per test run, a real assistant per test module."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from bot.launcher.processes import train
from bot.settings import REPO_ROOT
from tests.e2e.running_assistant import RunningAssistant, running_assistant


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The project's model, trained now if data or config changed (Rasa skips it otherwise)."""
    return train(REPO_ROOT / "models")


@pytest.fixture(scope="module")
def assistant(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningAssistant]:
    """A running assistant with its own databases, for the tests of one module."""
    with running_assistant(trained_model, tmp_path_factory.mktemp("assistant")) as running:
        yield running
