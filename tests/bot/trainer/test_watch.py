"""Tests for bot/trainer/watch.py: change detection, lint-before-train, reporting, loading a model.

Rasa's training is replaced by a recording stand-in in the loop tests (the real in-process
training is the slow test at the end); loading a model talks HTTP to a small local server that
records the request (the real Rasa server is used in tests/e2e/test_conversation.py).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import threading
import warnings
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest
import structlog

from bot.trainer.training_sources import ProjectPaths
from bot.trainer.watch import RasaModelLoader, TrainingWatch, changed_files, train_in_process, training_files

REPO_ROOT = Path(__file__).resolve().parents[3]
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "broken_data"


@pytest.fixture
def project(tmp_path: Path) -> ProjectPaths:
    """A copy of this project's training files (config, domain, data, actions), which pass the lints."""
    root = tmp_path / "project"
    for folder in ("data", "actions"):
        shutil.copytree(REPO_ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("config.yml", "domain.yml"):
        shutil.copy(REPO_ROOT / name, root / name)
    return ProjectPaths(root)


class RecordingTrainer:
    """Stands in for Rasa's training: records each call, returns a model path or raises."""

    def __init__(self, failure: str = "") -> None:
        self.calls: List[Path] = []
        self.failure = failure

    def __call__(self, paths: ProjectPaths, models_dir: Path) -> Path:
        self.calls.append(paths.root)
        if self.failure:
            raise ValueError(self.failure)
        return models_dir / f"model-{len(self.calls)}.tar.gz"


def touch_later(path: Path) -> None:
    """Change a file's modification time the way saving it in an editor does."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_snapshot_sees_edits_new_and_removed_files(project: ProjectPaths) -> None:
    before = training_files(project)
    assert project.domain in before and project.config in before and project.nlu_dir / "greet.yml" in before
    touch_later(project.nlu_dir / "greet.yml")
    (project.nlu_dir / "thanks.yml").write_text("version: '3.1'\nnlu: []\n")
    (project.nlu_dir / "order_status.yml").unlink()
    changed = changed_files(before, training_files(project))
    assert changed == sorted([project.nlu_dir / "greet.yml", project.nlu_dir / "thanks.yml",
                              project.nlu_dir / "order_status.yml"])


def test_trains_first_then_only_after_a_change(project: ProjectPaths, tmp_path: Path) -> None:
    trainer, out = RecordingTrainer(), io.StringIO()
    watch = TrainingWatch(project, tmp_path / "models", trainer=trainer, out=out)
    first = watch.poll()
    assert first is not None and first.model == tmp_path / "models" / "model-1.tar.gz"
    assert "first round: training" in out.getvalue() and "change in" not in out.getvalue()
    assert watch.poll() is None
    touch_later(project.nlu_dir / "greet.yml")
    second = watch.poll()
    assert second is not None and second.changed == [project.nlu_dir / "greet.yml"]
    assert len(trainer.calls) == 2
    assert "change in data/nlu/greet.yml" in out.getvalue() and "Retrained in" in out.getvalue()


def test_broken_data_is_reported_and_not_trained(project: ProjectPaths, tmp_path: Path) -> None:
    trainer, out = RecordingTrainer(), io.StringIO()
    watch = TrainingWatch(project, tmp_path / "models", trainer=trainer, out=out)
    watch.poll()
    shutil.copy(FIXTURE / "data" / "nlu" / "stray_intent.yml", project.nlu_dir / "stray_intent.yml")
    round_ = watch.poll()
    assert round_ is not None and round_.model is None
    assert len(trainer.calls) == 1
    assert "stray_intent.yml" in out.getvalue() and "Not retrained: fix the errors above" in out.getvalue()


def test_a_training_error_is_reported_and_watching_goes_on(project: ProjectPaths, tmp_path: Path) -> None:
    trainer, out = RecordingTrainer(failure="domain.yml: bad indentation on line 3"), io.StringIO()
    watch = TrainingWatch(project, tmp_path / "models", trainer=trainer, out=out)
    assert watch.poll().model is None
    assert "Not retrained: domain.yml: bad indentation on line 3" in out.getvalue()
    trainer.failure = ""
    touch_later(project.domain)
    assert watch.poll().model is not None


def test_each_new_model_is_handed_to_the_loader(project: ProjectPaths, tmp_path: Path) -> None:
    loaded: List[Path] = []
    out = io.StringIO()

    def load(model: Path) -> str:
        loaded.append(model)
        return f"serving {model.name}"

    watch = TrainingWatch(project, tmp_path / "models", trainer=RecordingTrainer(), load_model=load, out=out)
    watch.poll()
    assert loaded == [tmp_path / "models" / "model-1.tar.gz"] and "serving model-1.tar.gz" in out.getvalue()


class NoisyTrainer(RecordingTrainer):
    """Trains as the stand-in does, writing what TensorFlow, SQLAlchemy and Rasa write while they train."""

    def __call__(self, paths: ProjectPaths, models_dir: Path) -> Path:
        warnings.warn("a library is deprecated", DeprecationWarning, stacklevel=1)
        print("rasa.engine.training: Restored component 'CountVectorsFeaturizer' from cache.", file=sys.stderr)
        os.write(2, b"tensorflow/core/platform/cpu_feature_guard.cc: This TensorFlow binary is optimized\n")
        structlog.get_logger().debug("rule_policy.actions.find", current_states="[state 1] previous action name")
        structlog.get_logger().info("model_training.train.finished_training", event_info="Finished training")
        return super().__call__(paths, models_dir)


def test_library_output_goes_to_the_log_and_the_terminal_shows_only_the_rounds(
    project: ProjectPaths, tmp_path: Path, capfd: pytest.CaptureFixture[str],
) -> None:
    log = tmp_path / "var" / "trainer.log"
    edits = [lambda: touch_later(project.nlu_dir / "greet.yml")]

    def sleep(_: float) -> None:
        """Between rounds: save greet.yml once, then stop as Ctrl-C does."""
        if not edits:
            raise KeyboardInterrupt
        edits.pop()()

    structlog_before = structlog.get_config()
    watch = TrainingWatch(project, tmp_path / "models", trainer=NoisyTrainer(), out=sys.stdout, library_log=log)
    watch.run(interval=0, sleep=sleep)
    terminal = capfd.readouterr()
    written = log.read_text(encoding="utf-8")
    for noise in ("a library is deprecated", "Restored component", "This TensorFlow binary", "finished_training"):
        assert written.count(noise) >= 1
        assert noise not in terminal.out + terminal.err
    assert "rule_policy.actions.find" not in written + terminal.out + terminal.err, "debug lines are dropped"
    assert structlog.get_config() == structlog_before
    assert terminal.err == ""
    assert terminal.out.count("Retrained in") == 2
    assert f"library warnings go to {log}" in terminal.out and "Stopped watching." in terminal.out
    assert "python -m bot.trainer watch" in written


class ModelEndpoint(BaseHTTPRequestHandler):
    """Answers `PUT /model` with a set status and records what was asked."""

    status = 204
    requests: List[Tuple[str, dict]] = []

    def do_PUT(self) -> None:  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append((self.path, body))
        self.send_response(self.status)
        self.send_header("Content-Length", "0" if self.status < 400 else "11")
        self.end_headers()
        if self.status >= 400:
            self.wfile.write(b"bad archive")

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def model_endpoint() -> Iterator[str]:
    ModelEndpoint.requests = []
    server = HTTPServer(("127.0.0.1", 0), ModelEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_load_model_puts_the_model_path_with_the_token(model_endpoint: str, tmp_path: Path) -> None:
    ModelEndpoint.status = 204
    message = RasaModelLoader(model_endpoint, "s3cret").load_model(tmp_path / "m.tar.gz")
    assert message == f"the running assistant at {model_endpoint} now uses m.tar.gz"
    assert ModelEndpoint.requests == [("/model?token=s3cret", {"model_file": str((tmp_path / "m.tar.gz").resolve())})]


def test_load_model_reports_a_refusal_and_a_missing_server(model_endpoint: str, tmp_path: Path) -> None:
    ModelEndpoint.status = 400
    refused = RasaModelLoader(model_endpoint, "t").load_model(tmp_path / "m.tar.gz")
    assert refused == f"the assistant at {model_endpoint} refused the model (400: bad archive)"
    missing = RasaModelLoader("http://127.0.0.1:9", "t").load_model(tmp_path / "m.tar.gz")
    assert "no assistant running at http://127.0.0.1:9" in missing


@pytest.mark.slow
def test_real_training_in_process_twice(project: ProjectPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "cache"))
    first = train_in_process(project, tmp_path / "models")
    greet = project.nlu_dir / "greet.yml"
    greet.write_text(greet.read_text().replace("    - hello\n", "    - hello\n    - hello again, it's me\n", 1))
    second = train_in_process(project, tmp_path / "models")
    assert first.exists() and second.exists() and first != second
