"""Tests for bot/launcher/processes.py start-up: the database is upgraded before any process
starts, and a process that never becomes ready is named, with its log, and stopped."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from bot.launcher.processes import (
    ACTION_GATEWAY, RASA_MALLOC_SETTINGS, AssistantProcesses, StartupError, write_endpoints,
)
from bot.records.database import create_database_engine
from bot.records.schema_migrations import create_schema
from bot.settings import REPO_ROOT
from tests.local_services import free_port
from tests.pre_migration_store import build_pre_migration_store, table_columns

# Stands in for the project's `actions` package: it never finishes importing, so the action
# server never answers (as the review app never answered while its start-up sync spun).
STUCK_ACTIONS = """import os, pathlib, time
pathlib.Path(os.environ["STUCK_PID_FILE"]).write_text(str(os.getpid()))
time.sleep(120)
"""


def project_root_with_stuck_actions(tmp_path: Path) -> Path:
    """A run folder with the project's endpoints and channels and an `actions` package that hangs."""
    root = tmp_path / "root"
    (root / "actions").mkdir(parents=True)
    (root / "actions" / "__init__.py").write_text(STUCK_ACTIONS, encoding="utf-8")
    for name in ("endpoints.yml", "credentials.yml"):
        shutil.copyfile(REPO_ROOT / name, root / name)
    return root


def launcher_env(database_url: str, pid_file: Path) -> Dict[str, str]:
    """The test's environment with the project database at `database_url`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIGHTWAY_", "RASA_API_TOKEN"))}
    env.update({"BRIGHTWAY_DB_URL": database_url, "STUCK_PID_FILE": str(pid_file)})
    return env


def is_running(pid: int) -> bool:
    """True while a process with `pid` exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_start_upgrades_an_old_store_then_names_the_process_that_never_answers(tmp_path: Path) -> None:
    database = tmp_path / "old.db"
    pid_file = tmp_path / "actions.pid"
    var_dir = tmp_path / "var"
    processes = AssistantProcesses(
        model=tmp_path / "model.tar.gz", var_dir=var_dir, rasa_port=free_port(), actions_port=free_port(),
        environ=launcher_env(build_pre_migration_store(database), pid_file),
        root=project_root_with_stuck_actions(tmp_path), separate_action_server=True,
    )
    lines: List[str] = []
    began = time.monotonic()

    with pytest.raises(StartupError) as failed:
        processes.start(timeout=3, report=lines.append)

    assert time.monotonic() - began < 30
    log = var_dir / "action_server.log"
    assert str(failed.value) == (
        f"The action server did not answer at {processes.actions_url}/health within 3 s; see {log}."
    )
    assert lines[0].startswith(f"Upgraded the database sqlite:///{database} made by an older version")
    assert lines[1:] == [f"Starting the action server (log: {log})..."]
    assert "search_text" not in table_columns(database, "handoff_digests")
    engine = create_database_engine(f"sqlite:///{database}")
    create_schema(engine)  # a service now accepts the database
    engine.dispose()
    assert not is_running(int(pid_file.read_text())), "the stuck action server was left running"


def test_by_default_no_action_server_starts_and_the_gateway_runs_the_actions_package(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    processes = AssistantProcesses(
        model=tmp_path / "model.tar.gz", var_dir=var_dir, rasa_port=free_port(), actions_port=free_port(),
        environ=launcher_env(f"sqlite:///{tmp_path}/project.db", tmp_path / "pid"),
        root=project_root_with_stuck_actions(tmp_path), action_timeout=2.5,
    )
    lines: List[str] = []

    with pytest.raises(StartupError, match="^The Rasa server "):
        processes.start(timeout=3, report=lines.append)

    assert lines == [f"Starting the Rasa server (log: {var_dir / 'rasa_server.log'})..."]
    credentials = yaml.safe_load((var_dir / "credentials.yml").read_text(encoding="utf-8"))
    assert credentials[ACTION_GATEWAY] == {"actions_module": "actions", "timeout_seconds": 2.5}
    assert not (var_dir / "action_server.log").exists()


def test_start_refuses_a_database_it_cannot_upgrade_before_starting_anything(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/newer.db"
    engine = create_database_engine(url)
    create_schema(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff'")
    engine.dispose()
    var_dir = tmp_path / "var"
    processes = AssistantProcesses(
        model=tmp_path / "model.tar.gz", var_dir=var_dir, environ=launcher_env(url, tmp_path / "pid"),
        root=project_root_with_stuck_actions(tmp_path),
    )

    with pytest.raises(StartupError, match="could not be brought up to date: .* revision ffff, which this version"):
        processes.start(timeout=3)

    assert not (var_dir / "action_server.log").exists()


def test_process_id_names_a_running_process_and_forgets_it_once_stopped(tmp_path: Path) -> None:
    """Benchmarks read a server's CPU time by its id; a stopped or unknown process has none."""
    processes = AssistantProcesses(model=tmp_path / "model.tar.gz", var_dir=tmp_path, environ={})
    sleeper = processes._spawn("Rasa server", [sys.executable, "-c", "import time; time.sleep(60)"], {})
    try:
        assert processes.process_id("Rasa server") == sleeper.pid
        assert processes.process_id("action server") is None
    finally:
        processes.stop()
    assert processes.process_id("Rasa server") is None


def test_first_ended_names_the_process_that_exited_on_its_own_and_stop_says_so(tmp_path: Path) -> None:
    """The launcher watches for a crashed process; stopping then reports it instead of "Stopped"."""
    processes = AssistantProcesses(model=tmp_path / "model.tar.gz", var_dir=tmp_path, environ={})
    processes._spawn("Rasa server", [sys.executable, "-c", "import sys; sys.exit(3)"], {})
    processes._spawn("desk", [sys.executable, "-c", "import time; time.sleep(60)"], {})
    lines: List[str] = []
    try:
        deadline = time.monotonic() + 30
        while processes.first_ended() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert processes.first_ended() == ("Rasa server", 3)
    finally:
        processes.stop(report=lines.append)
    assert lines == ["Stopped the desk.", "The Rasa server had already stopped (exit code 3)."]
    assert processes.first_ended() is None


def test_write_endpoints_puts_the_local_tracker_file_in_the_run_folder(tmp_path: Path) -> None:
    """The project's endpoints.yml (our SQL store on SQLite) gets its tracker file under var/."""
    written = write_endpoints(REPO_ROOT / "endpoints.yml", tmp_path / "endpoints.yml", 5999, tmp_path / "var")

    tracker = yaml.safe_load(written.read_text(encoding="utf-8"))["tracker_store"]
    assert tracker["type"] == "bot.server.tracker_store.LoudSQLTrackerStore"
    assert tracker["db"] == str(tmp_path / "var" / "tracker.db")


# Stands in for `bot.server.entry` in a project folder: the launcher starts Rasa as
# `python -m bot.server.entry -m rasa run ...` from that folder; this one records its environment.
ENVIRONMENT_RECORDER = """import json, os, pathlib
pathlib.Path(os.environ["ENV_RECORD_FILE"]).write_text(json.dumps(dict(os.environ)))
"""


def project_root_recording_the_rasa_environment(tmp_path: Path) -> Path:
    """A run folder whose `bot.server.entry` writes its environment to $ENV_RECORD_FILE and exits."""
    root = project_root_with_stuck_actions(tmp_path)
    (root / "bot" / "server").mkdir(parents=True)
    (root / "bot" / "__init__.py").write_text("", encoding="utf-8")
    (root / "bot" / "server" / "__init__.py").write_text("", encoding="utf-8")
    (root / "bot" / "server" / "entry.py").write_text(ENVIRONMENT_RECORDER, encoding="utf-8")
    return root


def recorded_rasa_environment(tmp_path: Path, environ: Dict[str, str]) -> Dict[str, str]:
    """The environment the launcher gives the Rasa process, as that process saw it."""
    record = tmp_path / "rasa_env.json"
    processes = AssistantProcesses(
        model=tmp_path / "model.tar.gz", var_dir=tmp_path / "var", rasa_port=free_port(),
        environ={**environ, "ENV_RECORD_FILE": str(record)},
        root=project_root_recording_the_rasa_environment(tmp_path),
    )
    with pytest.raises(StartupError, match="^The Rasa server stopped while starting"):
        processes.start(timeout=30)
    return json.loads(record.read_text(encoding="utf-8"))


def test_the_rasa_process_gets_the_malloc_settings_unless_the_environment_sets_them(tmp_path: Path) -> None:
    environ = launcher_env(f"sqlite:///{tmp_path}/project.db", tmp_path / "pid")
    for name in RASA_MALLOC_SETTINGS:
        environ.pop(name, None)

    recorded = recorded_rasa_environment(tmp_path / "defaults", environ)
    chosen = recorded_rasa_environment(tmp_path / "chosen", {**environ, "MALLOC_ARENA_MAX": "4"})

    assert {name: recorded.get(name) for name in RASA_MALLOC_SETTINGS} == RASA_MALLOC_SETTINGS
    assert recorded["BRIGHTWAY_DB_URL"] == f"sqlite:///{tmp_path}/project.db"
    assert chosen["MALLOC_ARENA_MAX"] == "4"
