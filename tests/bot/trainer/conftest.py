"""Fixtures of the data-lint tests: a copy of the project that passes check-data, and a fresh copy of it per test to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.trainer.training_sources import ProjectPaths
from tests.project_copies import copy_training_project


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's training data, domain, config and actions, which pass check-data (a module may
    define its own: a smaller copy, or one with more files)."""
    return copy_training_project(tmp_path_factory.mktemp("pristine"))


@pytest.fixture
def project(pristine: Path, tmp_path: Path) -> ProjectPaths:
    """A fresh copy of the module's `pristine` project to break."""
    shutil.copytree(pristine, tmp_path / "project")
    return ProjectPaths(tmp_path / "project")
