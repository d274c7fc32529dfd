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
from typing import Dict

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
OUR_PACKAGES = r"(?!(?:bot|channels|actions|review_app)(?:\.|$))"
TENSORFLOW_NOTES_HIDDEN = "2"  # TensorFlow's C++ log: 0 all, 1 no INFO, 2 no INFO or WARNING


def quiet() -> None:
    """Set the library log levels and hide library deprecation warnings; call before importing them."""
    for name, level in LIBRARY_LEVELS.items():
        logging.getLogger(name).setLevel(level)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", TENSORFLOW_NOTES_HIDDEN)
    if sys.warnoptions:  # the person running it asked for warnings with -W or PYTHONWARNINGS
        return
    for category in (DeprecationWarning, PendingDeprecationWarning):
        warnings.filterwarnings("ignore", category=category, module=OUR_PACKAGES)
