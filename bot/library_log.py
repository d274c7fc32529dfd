"""Library output of the trainer's commands (TensorFlow, Rasa, SQLAlchemy, matplotlib warnings) goes to a log file.

About 30 lines of such warnings used to bury the `eval` report. While a command runs, the
process's standard error (file descriptor 2, so C++ libraries and child processes are
included) and Python's warnings are written to `var/trainer.log`; the command's own report
goes to standard output as before. Child processes given the log as their standard output
(`rasa train`) write there too.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Iterator, Optional, Sequence, TextIO

from bot.settings import REPO_ROOT

TRAINER_LOG = REPO_ROOT / "var" / "trainer.log"
STDERR_FD = 2


def write_warning(handle: TextIO, message: Warning | str, category: type, filename: str, lineno: int,
                  file: Optional[TextIO] = None, line: Optional[str] = None) -> None:
    """`warnings.showwarning` that writes to the log instead of the terminal."""
    handle.write(warnings.formatwarning(message, category, filename, lineno, line))
    handle.flush()


@contextlib.contextmanager
def library_output_to(log: Path, command: Sequence[str]) -> Iterator[Path]:
    """Send standard error and every Python warning to `log` (appended, with a header naming `command`)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        handle.write(f"\n== {started} python -m bot.trainer {' '.join(command)}\n")
        handle.flush()
        sys.stderr.flush()
        saved = os.dup(STDERR_FD)
        os.dup2(handle.fileno(), STDERR_FD)
        try:
            with contextlib.redirect_stderr(handle), warnings.catch_warnings():
                warnings.simplefilter("default")
                warnings.showwarning = partial(write_warning, handle)
                yield log
        finally:
            sys.stderr.flush()
            os.dup2(saved, STDERR_FD)
            os.close(saved)
