"""Exported NLU candidates in a copy of the project: `check-data` refuses them with file:line until a
trainer has chosen each example's intent (bot/trainer/lint_candidates.py, bot/nlu/candidate_intents.py)."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.nlu.candidate_intents import guess_in_placeholder, is_placeholder_intent, placeholder_intent
from bot.settings import REPO_ROOT
from bot.trainer.cli import main
from bot.trainer.data_lint import rasa_messages
from review_app.conversations.queries import MisunderstoodMessage
from review_app.exports.nlu_examples import candidate_nlu_yaml

EXPORTED = datetime(2026, 12, 2, 9, 30, tzinfo=timezone.utc)
GIBBERISH = ["blorp wibble number", "asdf jkl qwerty"]
REAL = "wheres me parcel gone innit"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's training data, domain, config and actions."""
    for name in ("data", "actions"):
        shutil.copytree(REPO_ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("domain.yml", "config.yml"):
        shutil.copy(REPO_ROOT / name, tmp_path / name)
    return tmp_path


def export() -> str:
    """What the review app downloads: gibberish the bot leaned to `affirm` for, and one real request."""
    messages = [MisunderstoodMessage("c1", text, "nlu_fallback", "affirm", 0.41) for text in GIBBERISH]
    messages.append(MisunderstoodMessage("c2", REAL, "nlu_fallback", None, None))
    return candidate_nlu_yaml(messages, EXPORTED)


def check_data(project: Path) -> tuple:
    """Exit code and output of `python -m bot.trainer check-data --skip-rasa` on `project`."""
    out = io.StringIO()
    code = main(["check-data", "--skip-rasa", "--project", str(project)], out)
    return code, out.getvalue()


def test_placeholder_names_carry_the_guess() -> None:
    assert placeholder_intent("affirm") == "choose_intent__affirm_guess"
    assert guess_in_placeholder(placeholder_intent("affirm")) == "affirm"
    assert placeholder_intent("no") == "choose_intent__no_guess"
    assert placeholder_intent(None) == "choose_intent__unguessed"
    assert guess_in_placeholder("choose_intent__unguessed") is None
    assert is_placeholder_intent("choose_intent__unguessed")
    assert not is_placeholder_intent("affirm")


def test_the_check_data_command_refuses_a_pasted_export_with_file_and_line(project: Path) -> None:
    (project / "data" / "nlu" / "candidates.yml").write_text(export(), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot.trainer", "check-data", "--skip-rasa", "--project", str(project)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    lines = export().splitlines()
    affirm_line = lines.index("- intent: choose_intent__affirm_guess") + 1
    no_guess_line = lines.index("- intent: choose_intent__unguessed") + 1
    assert (f"data/nlu/candidates.yml:{affirm_line}: error: choose an intent for these examples: "
            "2 exported messages under the placeholder 'choose_intent__affirm_guess'") in result.stdout
    assert f"data/nlu/candidates.yml:{no_guess_line}: error: choose an intent for these examples: 1 exported message" in result.stdout
    assert "check-data FAILED" in result.stdout
    assert "domain.yml" not in result.stdout and "fewer than 25" not in result.stdout


def test_an_export_pasted_into_an_intent_file_is_refused_there(project: Path) -> None:
    affirm = project / "data" / "nlu" / "affirm.yml"
    before = affirm.read_text(encoding="utf-8").rstrip("\n")
    body = export().split("nlu:\n", 1)[1]
    pasted = before + "\n" + body
    affirm.write_text(pasted, encoding="utf-8")
    code, output = check_data(project)
    placeholder_line = pasted.splitlines().index("- intent: choose_intent__affirm_guess") + 1
    assert code == 1
    assert f"data/nlu/affirm.yml:{placeholder_line}: error: choose an intent for these examples" in output


def test_once_a_trainer_has_chosen_the_intents_check_data_passes(project: Path) -> None:
    order_status = project / "data" / "nlu" / "order_status.yml"
    order_status.write_text(order_status.read_text(encoding="utf-8").rstrip("\n") + f"\n    - {REAL}\n", encoding="utf-8")
    code, output = check_data(project)
    assert code == 0, output
    assert "choose an intent" not in output


def test_rasa_advice_to_add_a_placeholder_to_the_domain_is_left_out() -> None:
    advice = ("There is a message in the training data labeled with intent '{}'. This intent is not listed in "
              "your domain. You should need to add that intent to your domain file!")
    output = "".join(f"/x/rasa/shared/utils/io.py:100: UserWarning: {advice.format(intent)}\n"
                     for intent in ("choose_intent__affirm_guess", "gift_wrapping"))
    assert rasa_messages(output, set()) == [f"rasa data validate: warning: {advice.format('gift_wrapping')}"]
