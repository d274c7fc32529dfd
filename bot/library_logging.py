"""Third-party loggers and warnings at the default level: problems only, never request contents.

At INFO, libraries write what our privacy filter cannot judge: slack-bolt's refused-request lines
carry the whole body, twilio's client logs every API request with its form fields, httpx logs
URLs with tokens in them, Alembic announces its plugins. `quiet()` sets them to WARNING (slack-bolt's
request verification to silent), hides library deprecation warnings and TensorFlow's start-up
notes, so a clean start writes no warning line. Set `PYTHONWARNINGS` or `TF_CPP_MIN_LOG_LEVEL`
to see those again; a logger's level can still be lowered in code for debugging.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from pathlib import Path
from typing import Dict, Optional, TextIO, Type, Union

SILENT = logging.CRITICAL + 1
LIBRARY_LEVELS: Dict[str, int] = {
    "slack_bolt": logging.WARNING,
    "slack_bolt.RequestVerification": SILENT,
    "slack_bolt.AsyncRequestVerification": SILENT,
    "slack_sdk": logging.WARNING,
    "telegram": logging.WARNING,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "twilio": logging.WARNING,
    "aiohttp": logging.WARNING,
    "sqlalchemy": logging.WARNING,
    "alembic": logging.WARNING,
    "urllib3": logging.WARNING,
    "matplotlib": logging.WARNING,
}
REPO_ROOT = Path(__file__).resolve().parents[1]
LIBRARY_FOLDERS = frozenset({"site-packages", "dist-packages"})
TENSORFLOW_NOTES_HIDDEN = "2"  # TensorFlow's C++ log: 0 all, 1 no INFO, 2 no INFO or WARNING


def quiet() -> None:
    """Set the library log levels and hide the libraries' deprecation warnings (ours still show);
    call at start-up, before the libraries are imported."""
    for name, level in LIBRARY_LEVELS.items():
        logging.getLogger(name).setLevel(level)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", TENSORFLOW_NOTES_HIDDEN)
    if sys.warnoptions or getattr(warnings.showwarning, "brightway_quiet", False):
        return  # asked for warnings (-W, PYTHONWARNINGS), or already quiet
    # Not a filter: Sanic puts a filter showing every DeprecationWarning once in front of ours.
    show = warnings.showwarning

    def show_unless_library_deprecation(
        message: Union[Warning, str], category: Type[Warning], filename: str, lineno: int,
        file: Optional[TextIO] = None, line: Optional[str] = None,
    ) -> None:
        if issubclass(category, (DeprecationWarning, PendingDeprecationWarning)) and not is_our_code(filename):
            return
        show(message, category, filename, lineno, file, line)

    setattr(show_unless_library_deprecation, "brightway_quiet", True)
    warnings.showwarning = show_unless_library_deprecation


def is_our_code(filename: str) -> bool:
    """True for a file of this repository outside the virtual environment's libraries."""
    path = Path(filename).resolve()
    return path.is_relative_to(REPO_ROOT) and not LIBRARY_FOLDERS.intersection(path.parts)
