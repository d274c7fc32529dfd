"""Tests for bot/trainer/lint_files.py: every malformed data file is one `file:line` finding with a fix, never a traceback.

Each case writes one mistake into a copy of the project's data and runs `check-data` (without
Rasa's validate, whose run is covered in test_data_lint.py) as a trainer would.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import List

import pytest

from bot.settings import REPO_ROOT
from bot.trainer.data_lint import check_data
from bot.trainer.lint_files import malformed_files
from bot.trainer.lint_findings import Finding
from bot.trainer.training_sources import ProjectPaths

GREET = 'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n    - hello there\n'


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two of the project's NLU files with its domain, rules, stories and catalogue (file checks need no more)."""
    root = tmp_path_factory.mktemp("pristine")
    for name in ("data/nlu/greet.yml", "data/nlu/thank.yml", "data/rules.yml", "data/stories.yml",
                 "data/shop/catalogue.yml", "domain.yml", "config.yml"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / name, root / name)
    return root


def break_file(project: ProjectPaths, name: str, content: bytes) -> List[Finding]:
    """Write `content` to data/nlu/`name` and return the file findings, checking `check-data` fails without a traceback."""
    (project.nlu_dir / name).write_bytes(content)
    out = io.StringIO()
    assert check_data(project, out=out, rasa_validate=None) == 1
    text = out.getvalue()
    assert "Traceback" not in text and "object has no attribute" not in text
    assert f"data/nlu/{name}:" in text and "Fix: " in text
    return malformed_files(project)


# (what the trainer wrote, line reported, check, words of the problem, words of the fix)
CASES = [
    pytest.param(b"- intent: gift_wrapping\n  examples: |\n    - can you wrap it\n", 1, "nlu-header-missing",
                 "without its 'version:' and 'nlu:' header", 'version: "3.1"', id="no-header"),
    pytest.param(b"- hi\n- hello\n", 1, "nlu-header-missing", "bare list", "version", id="top-level-list"),
    pytest.param(b'version: "3.1"\n- intent: greet\n', 2, "yaml-syntax", "not valid YAML", "indentation",
                 id="header-without-nlu-key"),
    pytest.param(b'nlu:\n- intent: greet\n  examples: |\n    - hi\n', 1, "nlu-header-missing", "no 'version:'",
                 'version: "3.1"', id="no-version"),
    pytest.param(b'version: "3.1"\nexamples: |\n  - hi\n', 1, "nlu-header-missing", "no 'nlu:' key", "'nlu:'",
                 id="no-nlu-key"),
    pytest.param(GREET.replace("    - hello", "\t- hello").encode(), 6, "yaml-tab", "tab", "spaces", id="tab"),
    pytest.param(GREET.replace("  examples", "   examples").encode(), 4, "yaml-syntax", "mapping values",
                 "indentation", id="examples-indented-too-far"),
    pytest.param(GREET.replace("    - hi", "  - hi").encode(), 5, "yaml-syntax", "not valid YAML",
                 "each example 4 spaces", id="examples-not-indented"),
    pytest.param(GREET.replace("- intent: greet", '- intent: "greet').encode(), 3, "yaml-syntax",
                 "end of stream", "close the quote", id="unclosed-quote"),
    pytest.param(b'version: "3.1"\nnlu:\n- intent: greet\n  examples:\n    - hi\n    - hello\n', 4,
                 "examples-not-block", "YAML list", "examples: |", id="examples-as-list"),
    pytest.param(b'version: "3.1"\nnlu:\n- intent: greet\n  examples: hi there\n', 4, "examples-not-block",
                 "one plain line", "examples: |", id="examples-one-line"),
    pytest.param(b'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n', 4, "examples-empty",
                 "'examples: |' has no example lines below it", "one '    - example' line per example",
                 id="examples-block-without-lines"),
    pytest.param(GREET.replace("    - hello there", "    hello there").encode(), 6, "example-without-dash",
                 "does not start with '- '", "dash and space", id="example-without-dash"),
    pytest.param(GREET.replace("- intent: greet", "- intnet: greet").encode(), 3, "intent-key-missing",
                 "has 'intnet:', 'examples:' but no 'intent:'", "- intent: <name>", id="misspelt-intent"),
    pytest.param(b'version: "3.1"\nnlu:\n- examples: |\n    - hi\n', 3, "intent-key-missing", "no 'intent:'",
                 "- intent: <name>", id="entry-without-intent"),
    pytest.param(b'version: "3.1"\nnlu:\n- intent: greet\n', 3, "examples-missing", "no 'examples:'",
                 "examples: |", id="entry-without-examples"),
    pytest.param(b'version: "3.1"\nnlu:\n- intent:\n  examples: |\n    - hi\n', 3, "intent-name-missing",
                 "has no name", "- intent: <name>", id="intent-without-name"),
    pytest.param((GREET + "  examples: |\n    - yo\n").encode(), 7, "yaml-duplicate-key",
                 "'examples:' appears twice", "merge", id="duplicate-key"),
    pytest.param(b"", 1, "file-empty", "empty", "delete the file", id="empty"),
    pytest.param(b"# greet: to be written\n", 1, "file-empty", "only comments", "delete the file",
                 id="only-comments"),
    pytest.param(GREET.replace("hello there", "h\xe9llo").encode("latin-1"), 6, "file-not-utf8", "not UTF-8",
                 "UTF-8", id="latin-1"),
    pytest.param(b'version: "3.1"\nnlu:\n  intent: greet\n', 2, "nlu-not-a-list", "must hold a list",
                 "- intent: <name>", id="nlu-a-mapping"),
]


@pytest.mark.parametrize("content, line, check, problem, fix", CASES)
def test_each_mistake_is_one_finding_with_line_and_fix(
    project: ProjectPaths, content: bytes, line: int, check: str, problem: str, fix: str,
) -> None:
    findings = break_file(project, "greet.yml", content)
    assert [(f.check, str(f.where)) for f in findings] == [(check, f"data/nlu/greet.yml:{line}")], findings
    assert problem in findings[0].problem
    assert fix in findings[0].fix


def test_every_malformed_file_is_reported_not_only_the_first(project: ProjectPaths) -> None:
    (project.nlu_dir / "greet.yml").write_text("- intent: greet\n")
    (project.nlu_dir / "thank.yml").write_text("")
    (project.domain).write_text('version: "3.1"\nintents:\n\t- greet\n')
    found = {str(f.where) for f in malformed_files(project)}
    assert found == {"data/nlu/greet.yml:1", "data/nlu/thank.yml:1", "domain.yml:3"}


def test_a_domain_that_is_a_list_is_reported(project: ProjectPaths) -> None:
    project.rules.write_text("- rule: greet\n")
    [finding] = malformed_files(project)
    assert (finding.check, str(finding.where)) == ("file-not-a-mapping", "data/rules.yml:1")


def test_the_project_files_are_well_formed() -> None:
    assert malformed_files(ProjectPaths()) == []


def test_rasa_validate_does_not_run_on_unreadable_files(project: ProjectPaths) -> None:
    (project.nlu_dir / "greet.yml").write_text("- intent: greet\n")
    calls: List[ProjectPaths] = []
    out = io.StringIO()
    assert check_data(project, out=out, rasa_validate=lambda paths, stream: calls.append(paths) or 0) == 1
    assert calls == []
    assert "stop Rasa and the lints from reading the data" in out.getvalue()


def test_a_rule_step_without_an_intent_name_is_named_as_such(project: ProjectPaths) -> None:
    rules = project.rules.read_text(encoding="utf-8")
    lines = rules.splitlines()
    number = lines.index("      - intent: greet") + 1
    project.rules.write_text(rules.replace("      - intent: greet\n", "      - intent:\n", 1), encoding="utf-8")
    out = io.StringIO()
    assert check_data(project, out=out, rasa_validate=None) == 1
    text = out.getvalue()
    assert f"data/rules.yml:{number}: error: this step is '- intent:' without a name." in text
    assert "None" not in text


def test_a_rule_step_without_an_action_name_is_named_as_such(project: ProjectPaths) -> None:
    rules = project.rules.read_text(encoding="utf-8")
    number = rules.splitlines().index("      - action: utter_greet") + 1
    project.rules.write_text(rules.replace("      - action: utter_greet\n", "      - action: \n", 1), encoding="utf-8")
    [finding] = malformed_files(project)
    assert (finding.check, str(finding.where)) == ("step-name-missing", f"data/rules.yml:{number}")
    assert "'- action:' without a name" in finding.problem


@pytest.mark.parametrize("name", ["domain.yml", "data/rules.yml", "data/stories.yml"])
def test_yaml_errors_outside_nlu_files_get_no_nlu_advice(project: ProjectPaths, name: str) -> None:
    path = project.root / name
    path.write_text(path.read_text(encoding="utf-8") + "  - broken: [\n oops: 1\n", encoding="utf-8")
    [finding] = malformed_files(project)
    assert finding.check == "yaml-syntax" and finding.where.file == name
    assert "intent" not in finding.fix and "example" not in finding.fix
    assert "indentation" in finding.fix


def test_an_unclosed_quote_in_the_domain_gets_no_nlu_advice(project: ProjectPaths) -> None:
    project.domain.write_text(project.domain.read_text(encoding="utf-8") + 'extra: "unclosed\n', encoding="utf-8")
    [finding] = malformed_files(project)
    assert finding.fix == "close the quote that starts on this line"


def test_a_project_without_a_domain_is_one_finding_not_a_traceback(project: ProjectPaths) -> None:
    project.domain.unlink()
    out = io.StringIO()
    assert check_data(project, out=out, rasa_validate=None) == 1
    assert out.getvalue().startswith("domain.yml:1: error: domain.yml does not exist in ")
