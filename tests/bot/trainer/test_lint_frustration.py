"""Tests for bot/trainer/lint_frustration.py: `check-data` reads data/frustration/*.yml as training does and
reports each mistake there with file, line and fix, before `make train` would fail on it half a minute in."""

from __future__ import annotations

import io
from typing import Tuple

import pytest

from bot.trainer.data_lint import check_data
from bot.trainer.training_sources import ProjectPaths

FRUSTRATED = "data/frustration/frustrated.yml"


def with_sarcasm_line(project: ProjectPaths, line: bytes) -> int:
    """Insert `line` as the first message of the 'sarcasm' category; return its line number."""
    path = project.root / FRUSTRATED
    lines = path.read_bytes().split(b"\n")
    at = lines.index(b"  sarcasm:") + 1
    path.write_bytes(b"\n".join(lines[:at] + [b"    " + line] + lines[at:]))
    return at + 1


def run_check(project: ProjectPaths) -> Tuple[int, str]:
    """Exit code and output of check-data without Rasa's validate, as a trainer runs it."""
    out = io.StringIO()
    code = check_data(project, out=out, rasa_validate=None)
    return code, out.getvalue()


@pytest.mark.parametrize("line, problem, fix", [
    (b'- "oh great, another bot', "not valid YAML", "close the quote that starts on this line"),
    (b"- cheers for nothing: again", "YAML reads 'cheers for nothing: again' in category 'sarcasm' as a key and a value",
     'put the message in double quotes: - "cheers for nothing: again"'),
    (b"- no", "YAML reads 'no' in category 'sarcasm' as a yes/no value", 'put the message in double quotes: - "no"'),
    (b"- caf\xe9 au lait, cold again", "the file is not UTF-8 (byte 0xe9 on this line)", "save the file with UTF-8"),
], ids=["unclosed-quote", "colon", "no", "latin-1"])
def test_a_mistake_in_a_frustration_file_fails_check_data_at_its_line(
    project: ProjectPaths, line: bytes, problem: str, fix: str,
) -> None:
    number = with_sarcasm_line(project, line)
    code, output = run_check(project)
    assert code == 1, output
    assert f"{FRUSTRATED}:{number}: error: {problem}" in output
    assert f"Fix: {fix}" in output
    assert "Traceback" not in output


def test_a_category_on_one_line_fails_check_data(project: ProjectPaths) -> None:
    path = project.root / FRUSTRATED
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  sarcasm:\n", "  sarcasm: oh great, another bot\n  sarcasm_lines:\n", 1), encoding="utf-8")
    number = text.splitlines().index("  sarcasm:") + 1
    code, output = run_check(project)
    assert code == 1
    assert (f"{FRUSTRATED}:{number}: error: category 'sarcasm' is one line of text ('oh great, another bot'), "
            "not a list of messages") in output


def test_a_missing_frustration_file_is_an_error(project: ProjectPaths) -> None:
    (project.frustration_dir / "calm.yml").unlink()
    code, output = run_check(project)
    assert code == 1
    assert "data/frustration/calm.yml:1: error: calm.yml is missing" in output


def test_a_frustration_file_training_does_not_read_is_a_warning(project: ProjectPaths) -> None:
    (project.frustration_dir / "threats.yml").write_text("categories:\n  threats:\n    - see you in court\n")
    code, output = run_check(project)
    assert code == 0, output
    assert ("data/frustration/threats.yml:1: warning: training reads only frustrated.yml, calm.yml, "
            "nlu_frustrated.yml in data/frustration, so nothing in threats.yml is trained on") in output


def test_the_project_frustration_files_pass(project: ProjectPaths) -> None:
    code, output = run_check(project)
    assert code == 0, output
    assert "data/frustration" not in output
