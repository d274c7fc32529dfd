"""A copy of the project's training inputs for tests that break them (check-data, the training's data check)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Sequence

from bot.settings import REPO_ROOT


def copy_training_project(root: Path, extra_files: Sequence[str] = ()) -> Path:
    """Copy data/, actions/, domain.yml, config.yml and `extra_files` (paths from the repository
    root) into `root`; return it."""
    for name in ("data", "actions"):
        shutil.copytree(REPO_ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("domain.yml", "config.yml", *extra_files):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / name, root / name)
    return root
