"""`bot.library_logging`: libraries say nothing at INFO and show no deprecation warnings; ours still do."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from bot import library_logging
from bot.settings import REPO_ROOT

# A library deprecation warning at import (sanic_cors uses distutils' LooseVersion) after Sanic's
# own "show every DeprecationWarning once" filter, which a warnings filter of ours would lose to.
IMPORT_WITH_WARNING = "import sanic, sanic_cors"


def run_python(code: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter from the repository root; return its output."""
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin"},
    )


def test_library_deprecation_warnings_are_hidden() -> None:
    shown = run_python(IMPORT_WITH_WARNING)
    quiet = run_python(f"from bot import library_logging; library_logging.quiet(); {IMPORT_WITH_WARNING}")

    assert "DeprecationWarning" in shown.stderr, "the library no longer warns: pick another example"
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_our_deprecation_warnings_still_show() -> None:
    quiet = run_python(
        "from bot import library_logging; library_logging.quiet(); import warnings; "
        "warnings.showwarning('old call', DeprecationWarning, 'bot/launcher.py', 1)"
    )

    assert "DeprecationWarning: old call" in quiet.stderr


def test_warnings_asked_for_on_the_command_line_are_left_alone() -> None:
    asked = run_python(
        "import sys; sys.warnoptions.append('default'); "
        f"from bot import library_logging; library_logging.quiet(); {IMPORT_WITH_WARNING}"
    )

    assert "DeprecationWarning" in asked.stderr


@pytest.fixture
def library_levels() -> Iterator[None]:
    """The library loggers' levels put back after the test."""
    levels = {name: logging.getLogger(name).level for name in library_logging.LIBRARY_LEVELS}
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.parametrize(
    "name", ["slack_bolt.AsyncRequestVerification", "twilio.http_client", "httpx", "sqlalchemy.engine.Engine", "alembic.runtime.migration", "telegram.ext", "aiohttp.access"]
)
def test_library_loggers_are_quiet_at_info(name: str, monkeypatch: pytest.MonkeyPatch, library_levels: None) -> None:
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")
    monkeypatch.setattr(sys, "warnoptions", ["keep pytest's own warning capture"])

    library_logging.quiet()

    assert not logging.getLogger(name).isEnabledFor(logging.INFO)
    assert not logging.getLogger("slack_bolt.RequestVerification").isEnabledFor(logging.CRITICAL)


def test_files_in_the_virtual_environment_are_not_ours() -> None:
    assert library_logging.is_our_code(str(REPO_ROOT / "bot" / "launcher.py"))
    assert not library_logging.is_our_code(str(Path(logging.__file__)))
    assert not library_logging.is_our_code(str(REPO_ROOT / ".venv" / "lib" / "python3.10" / "site-packages" / "x.py"))
