"""Tests for bot/trainer/cli.py: the trainer's command line and the eval report it prints (nothing here trains a model)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from bot.settings import REPO_ROOT
from bot.trainer.cli import build_parser, main, print_eval
from bot.trainer.nlu_comparison import DEFAULT_MARGIN
from bot.trainer.nlu_evaluation import EvalResult, section
from bot.trainer.nlu_scoring import Example, Prediction, Report, build_report


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


def bench_report(label: str, rows: List[Tuple[str, str, str]]) -> Report:
    """A bench report of (text, gold, predicted) rows, as `eval` builds one after parsing."""
    examples = [Example(text, gold) for text, gold, _ in rows]
    predictions = [Prediction(predicted, 0.61) for _, _, predicted in rows]
    report = build_report(examples, predictions, [0.001] * len(rows))
    report.model, report.data = "model.tar.gz", label
    return report


def test_eval_report_lists_every_miss_of_the_changed_intents_and_names_them_in_the_gate() -> None:
    steady = [("money back now", "refund", "payment"), ("pay by card", "payment", "payment")]
    heldout_before = bench_report("held-out split of data/nlu", steady + [("hi", "greet", "greet")])
    lost = [(f"where is order {n}", "order_status", "gift_wrapping") for n in range(20)]
    heldout_after = bench_report("held-out split of data/nlu", steady + lost + [("wrap it", "gift_wrapping", "gift_wrapping")])
    regression_before = bench_report("regression set", [("order status pls", "order_status", "order_status")])
    regression_after = bench_report("regression set", [("order status pls", "order_status", "gift_wrapping")])
    accepted = {"heldout": section(heldout_before, True), "regression": section(regression_before, True), "dev": None}
    latest = {"heldout": section(heldout_after, True), "regression": section(regression_after, True), "dev": None}
    out = io.StringIO()
    args = build_parser().parse_args(["eval", "--heldout-only"])
    verdict = print_eval(EvalResult(latest, heldout_after, None, regression_after), accepted, args, out)
    text = out.getvalue()
    assert all(f"missed * order_status -> gift_wrapping 0.61: where is order {n}\n" in text for n in range(20))
    assert "money back now" not in text, "refund's misses did not change"
    assert "took   * order_status -> gift_wrapping 0.61: order status pls" in text
    assert not verdict.passed
    assert "1 order_status phrasing(s) now read as gift_wrapping" in text


@pytest.mark.parametrize(
    "argv, message",
    [
        (["eval", "--dev", "/nonexistent/intents.csv"], "no such file: /nonexistent/intents.csv"),
        (["eval", "--margin", "-1"], "a margin is an accuracy drop from 0 to 1, got -1"),
        (["gate", "--regression-margin", "lots"], "expected a number from 0 to 1, got 'lots'"),
    ],
)
def test_bad_eval_and_gate_options_are_usage_errors_before_any_training(
    argv: List[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(argv)

    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["check-data", "--min-examples", "-5"], "an intent needs at least 1 example, got -5"),
        (["check-data", "--min-examples", "many"], "expected a whole number of examples, got 'many'"),
        (["check-data", "--char-cosine", "7"], "a similarity is above 0 and at most 1 (1 = identical), got 7"),
        (["check-data", "--token-jaccard", "0"], "a similarity is above 0 and at most 1 (1 = identical), got 0"),
        (["check-data", "--project", "/nonexistent/project"], "no such folder: /nonexistent/project"),
    ],
)
def test_bad_check_data_options_are_usage_errors(argv: List[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(argv)

    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_check_data_on_a_missing_project_prints_no_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.trainer", "check-data", "--skip-rasa", "--project", "/tmp/nonexistent-project"],
        cwd=REPO_ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert "no such folder: /tmp/nonexistent-project" in result.stderr


def test_every_check_data_option_says_what_it_does() -> None:
    check = build_parser()._subparsers._group_actions[0].choices["check-data"]  # type: ignore[union-attr]
    undocumented = [action.dest for action in check._actions if not action.help]
    assert undocumented == []
    assert "fewest examples an intent may have (default 25)" in check.format_help()


def test_errors_only_leaves_out_the_warnings_lines_but_counts_them() -> None:
    out = io.StringIO()
    assert main(["check-data", "--skip-rasa", "--errors-only"], out) == 0, out.getvalue()
    text = out.getvalue()
    assert ": warning: " not in text
    assert "data lints: 0 error(s), " in text and "check-data passed." in text
