"""Tests for bot/trainer.py: the trainer's command line (nothing here trains a model)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

import pytest

from bot.nlu_comparison import DEFAULT_MARGIN
from bot.settings import REPO_ROOT
from bot.trainer import build_parser, main


def write(path: Path, accuracy: float) -> Path:
    """A report file with only a held-out accuracy."""
    report: Dict[str, Any] = {"created": "2026-11-25T12:00:00+00:00", "heldout": {"accuracy": accuracy}}
    path.write_text(json.dumps(report))
    return path


def test_gate_command_fails_on_a_degraded_report(tmp_path: Path) -> None:
    latest, accepted = write(tmp_path / "latest.json", 0.85), write(tmp_path / "accepted.json", 0.90)
    out = io.StringIO()
    assert main(["gate", "--latest", str(latest), "--accepted", str(accepted)], out) == 1
    assert "gate: FAILED: Held-out intent accuracy fell to 0.850" in out.getvalue()


def test_gate_command_passes_within_a_configured_margin(tmp_path: Path) -> None:
    latest, accepted = write(tmp_path / "latest.json", 0.85), write(tmp_path / "accepted.json", 0.90)
    out = io.StringIO()
    assert main(["gate", "--margin", "0.06", "--latest", str(latest), "--accepted", str(accepted)], out) == 0
    assert "gate: passed" in out.getvalue()


def test_gate_command_without_a_latest_report_says_how_to_make_one(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["gate", "--latest", str(tmp_path / "missing.json")], out) == 1
    assert "run `python -m bot.trainer eval --heldout-only` first" in out.getvalue()


def test_defaults_of_the_commands() -> None:
    parser = build_parser()
    assert parser.parse_args(["eval"]).margin == DEFAULT_MARGIN == 0.02
    assert parser.parse_args(["check-data"]).min_examples == 25
    assert parser.parse_args(["gate"]).accepted == REPO_ROOT / "reports" / "nlu_accepted.json"
    with pytest.raises(SystemExit):
        parser.parse_args(["train-everything"])


def test_check_data_on_the_project_passes_without_rasa() -> None:
    out = io.StringIO()
    assert main(["check-data", "--skip-rasa"], out) == 0, out.getvalue()
    assert "check-data passed." in out.getvalue()


def test_module_runs_as_a_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.trainer", "--help"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert "check-data" in result.stdout and "finetune" in result.stdout
