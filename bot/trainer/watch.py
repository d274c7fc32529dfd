"""`python -m bot.trainer watch`: retrain in one warm process on every data change, and go live.

A trainer's loop is edit, retrain, try. `rasa train` pays for starting Rasa (about 8 s of
imports on 2 cores) and for validating the data again on every run; this process pays once and
then, on each saved change, checks the data with the project's lints, trains in-process (Rasa's
cache restores every part the change did not touch) and loads the new model into the running
assistant, so `python -m bot chat --debug` answers with it straight away.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterator, Optional, TextIO

import structlog

from bot.trainer.data_lint import check_data
from bot.trainer.library_log import library_output_to
from bot.trainer.training_sources import ProjectPaths

Snapshot = Dict[Path, int]
Trainer = Callable[[ProjectPaths, Path], Path]
ModelLoader = Callable[[Path], str]


def training_files(paths: ProjectPaths) -> Snapshot:
    """Every file that goes into a model, with its modification time (ns)."""
    files = [paths.config, paths.domain, *sorted((paths.root / "data").rglob("*.yml"))]
    return {path: path.stat().st_mtime_ns for path in files if path.is_file()}


def changed_files(before: Snapshot, now: Snapshot) -> list:
    """Files added, removed or modified between two snapshots, by path."""
    return sorted(path for path in before.keys() | now.keys() if before.get(path) != now.get(path))


def train_in_process(paths: ProjectPaths, models_dir: Path) -> Path:
    """Train with Rasa in this process (imports paid once); return the new model.

    Raises `ValueError` with Rasa's reason when the data cannot be trained on.
    """
    from rasa.model_training import train

    result = train(
        domain=str(paths.domain), config=str(paths.config),
        training_files=[str(paths.nlu_dir), str(paths.rules), str(paths.stories)],
        output=str(models_dir),
    )
    if result.code != 0 or not result.model:
        raise ValueError(f"Rasa could not train (exit code {result.code})")
    return Path(result.model)


@dataclass(frozen=True)
class RasaModelLoader:
    """Loads models into the Rasa server `make run` started (its URL and API token)."""

    url: str
    token: str

    def load_model(self, model: Path) -> str:
        """Ask the server to serve `model` (Rasa's `PUT /model`); say what happened."""
        request = urllib.request.Request(
            f"{self.url.rstrip('/')}/model?token={self.token}", method="PUT",
            data=json.dumps({"model_file": str(model.resolve())}).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120):
                return f"the running assistant at {self.url} now uses {model.name}"
        except urllib.error.HTTPError as error:
            reason = error.read().decode("utf-8", "replace")[:200]
            error.close()
            return f"the assistant at {self.url} refused the model ({error.code}: {reason})"
        except (urllib.error.URLError, OSError):
            return f"no assistant running at {self.url}: start it with `make run` to try the model"


@dataclass
class WatchRound:
    """What one round did: the files that changed, and the model trained (None when it was not)."""

    changed: list
    model: Optional[Path]
    seconds: float


class TrainingWatch:
    """Checks, retrains and loads on each change of the training files."""

    def __init__(self, paths: ProjectPaths, models_dir: Path, trainer: Trainer = train_in_process,
                 load_model: Optional[ModelLoader] = None, out: TextIO = sys.stdout,
                 clock: Callable[[], float] = time.monotonic, library_log: Optional[Path] = None) -> None:
        """Watch `paths`; train into `models_dir`; load into the assistant with `load_model` if given;
        while running, send the libraries' warnings and Rasa's log to `library_log` if given."""
        self._paths = paths
        self._models_dir = models_dir
        self._trainer = trainer
        self._load_model = load_model
        self._out = out
        self._clock = clock
        self._library_log = library_log
        self._seen: Snapshot = {}

    def poll(self) -> Optional[WatchRound]:
        """Retrain if the files changed since the last round (the first poll always trains)."""
        now = training_files(self._paths)
        changed = changed_files(self._seen, now)
        if not changed:
            return None
        first_round = not self._seen
        self._seen = now
        return self.retrain(changed, first_round)

    def retrain(self, changed: list, first_round: bool = False) -> WatchRound:
        """Lint, train and load; a broken file is reported and nothing is trained."""
        started = self._clock()
        if first_round:
            print("\n== first round: training (Rasa's cache skips what is already trained)", file=self._out, flush=True)
        else:
            names = ", ".join(str(path.relative_to(self._paths.root)) for path in changed[:5])
            print(f"\n== change in {names}{' ...' if len(changed) > 5 else ''}", file=self._out, flush=True)
        lint_output = io.StringIO()
        if check_data(self._paths, out=lint_output, rasa_validate=None) != 0:
            print(lint_output.getvalue().rstrip(), file=self._out)
            print("Not retrained: fix the errors above and save again.", file=self._out, flush=True)
            return WatchRound(changed, None, self._clock() - started)
        try:
            model = self._trainer(self._paths, self._models_dir)
        except Exception as error:  # Rasa's YAML and schema errors all end here: report, keep watching
            where = f"in {self._library_log}" if self._library_log else "above"
            print(f"Not retrained: {error} (Rasa's own messages are {where})", file=self._out, flush=True)
            return WatchRound(changed, None, self._clock() - started)
        seconds = self._clock() - started
        print(f"Retrained in {seconds:.1f} s: {model}", file=self._out, flush=True)
        if self._load_model is not None:
            print(self._load_model(model), file=self._out, flush=True)
        return WatchRound(changed, model, seconds)

    def run(self, interval: float = 1.0, sleep: Callable[[float], None] = time.sleep) -> None:
        """Poll until interrupted (Ctrl-C), with the libraries' output in the log file (see `library_output_to`)."""
        logged = f"; library warnings go to {self._library_log}" if self._library_log else ""
        print(f"Watching {self._paths.root / 'data'}, domain.yml and config.yml{logged}; Ctrl-C stops.",
              file=self._out, flush=True)
        try:
            with self._library_output():
                while True:
                    self.poll()
                    sleep(interval)
        except KeyboardInterrupt:
            print("Stopped watching.", file=self._out)

    @contextlib.contextmanager
    def _library_output(self) -> Iterator[None]:
        """Standard error and warnings into the log file while watching (the terminal without one), and
        Rasa's structured log without its debug lines."""
        logged = library_output_to(self._library_log, ["watch"]) if self._library_log else contextlib.nullcontext()
        with logged, rasa_debug_lines_dropped():
            yield


@contextlib.contextmanager
def rasa_debug_lines_dropped() -> Iterator[None]:
    """Rasa's structured log at INFO and above, on standard error, until the block ends.

    `rasa train` sets this up itself; in a process of our own structlog is unconfigured and prints
    every debug line (hundreds per dialogue training) to standard output, past the library log.
    """
    saved = structlog.get_config()
    structlog.configure(
        processors=[structlog.processors.add_log_level, structlog.dev.ConsoleRenderer(colors=False)],
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        context_class=dict,
        cache_logger_on_first_use=False,
    )
    try:
        yield
    finally:
        structlog.configure(**saved)
