"""Tests for bot/trainer/data_lint.py and the lints it runs, on the deliberately broken project in
tests/fixtures/broken_data (each mistake there is marked `# broken:`)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import List

import pytest

from bot.trainer.data_lint import LintSettings, check_data, rasa_messages, rasa_validate_command, run_lints
from bot.trainer.lint_examples import BLOCK_ROWS, similar_pairs
from bot.trainer.lint_findings import Finding, Severity
from bot.trainer.training_sources import ProjectPaths

BROKEN = ProjectPaths(Path(__file__).resolve().parents[2] / "fixtures" / "broken_data")


@pytest.fixture(scope="module")
def findings() -> List[Finding]:
    """Every finding of the lints on the broken project."""
    return run_lints(BROKEN)


def only(findings: List[Finding], check: str, where: str) -> Finding:
    """The single finding of `check` at `file:line`; fails listing what was found instead."""
    matches = [f for f in findings if f.check == check and str(f.where) == where]
    assert len(matches) == 1, f"expected one {check} at {where}, got:\n" + "\n".join(map(str, findings))
    return matches[0]


# (lint, where it must point, words of the problem, words of the fix): one row per broken spot.
EXPECTED = [
    ("too-few-examples", "data/nlu/greet.yml:3", "'greet' has 4 examples, fewer than 25", "add 21 or more examples"),
    ("same-example-two-intents", "data/nlu/order_status.yml:5",
     "'order_status' here and of 'greet' at data/nlu/greet.yml:7", "keep it only under the intent"),
    ("intent-not-in-domain", "data/nlu/stray_intent.yml:3", "'stray_intent' has examples but is not listed in domain.yml",
     "add '  - stray_intent' under 'intents:' in domain.yml"),
    ("intent-not-in-domain", "data/rules.yml:12", "uses intent 'order_statos'", "correct the spelling"),
    ("intent-without-examples", "domain.yml:6", "'ghost_intent' is in domain.yml but has no examples",
     "create data/nlu/ghost_intent.yml"),
    ("intent-without-rule", "domain.yml:6", "'ghost_intent' is used by no rule or story",
     "'- intent: ghost_intent' and '- action: utter_ghost_intent'"),
    ("response-missing", "data/rules.yml:8", "'utter_wave' is used here but domain.yml has no response",
     "utter_wave:  - text:"),
    ("response-missing", "actions/orders.py:3", "'utter_ask_order_number' is used here", "under 'responses:'"),
    ("product-not-in-catalogue", "data/nlu/order_status.yml:27", "product 'quantum toaster' is not in the catalogue",
     "data/shop/catalogue.yml"),
    ("product-not-in-catalogue", "data/nlu/entities.yml:9", "lookup entry 'hover board'", "'synonyms:'"),
    ("lookup-missing-product", "data/nlu/entities.yml:6",
     "'aura smart speaker' is a product name or synonym in data/shop/catalogue.yml but not in this lookup table",
     "add the line '    - aura smart speaker'"),
    ("entity-never-annotated", "domain.yml:11", "entity 'colour' is annotated in no example", "[value](colour)"),
    ("near-duplicate", "data/nlu/order_status.yml:28",
     "almost the same as 'good morning to you all' (greet) at data/nlu/greet.yml:8", "reword one"),
]


@pytest.mark.parametrize(("check", "where", "problem", "fix"), EXPECTED, ids=[f"{c}@{w}" for c, w, _, _ in EXPECTED])
def test_each_lint_fires_with_file_line_and_fix(findings: List[Finding], check: str, where: str, problem: str, fix: str) -> None:
    finding = only(findings, check, where)
    assert problem in finding.problem
    assert fix in finding.fix
    assert finding.severity == (Severity.WARNING if check == "near-duplicate" else Severity.ERROR)


def test_nothing_fires_beyond_the_broken_spots(findings: List[Finding]) -> None:
    expected = {(check, where) for check, where, _, _ in EXPECTED} | {("too-few-examples", "data/nlu/stray_intent.yml:3")}
    assert {(f.check, str(f.where)) for f in findings} == expected


def test_minimum_is_configurable() -> None:
    relaxed = run_lints(BROKEN, LintSettings(min_examples=4))
    assert not [f for f in relaxed if f.check == "too-few-examples" and "greet" in f.problem]


def test_message_reads_file_line_severity_problem_fix(findings: List[Finding]) -> None:
    line = str(only(findings, "too-few-examples", "data/nlu/greet.yml:3"))
    assert line.startswith("data/nlu/greet.yml:3: error: intent 'greet' has 4 examples")
    assert ". Fix: add 21" in line


def test_errors_come_before_warnings(findings: List[Finding]) -> None:
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=lambda s: s != Severity.ERROR)


def test_negation_contrasts_are_not_near_duplicates() -> None:
    texts = ["that's right", "that's not right", "absolutely", "absolutely not"]
    assert similar_pairs(texts, ["affirm", "deny", "affirm", "deny"], 0.9, 0.85) == []


def test_near_duplicate_search_finds_pairs_across_its_row_blocks() -> None:
    """The search runs in blocks of rows (so 2,500 examples stay cheap); a pair split by a block
    boundary, and one far apart, must still be found. Its speed is measured by no test here."""
    filler = [f"unrelated sentence number {n} about topic {n * 7}" for n in range(BLOCK_ROWS * 2 + 10)]
    texts, intents = list(filler), ["filler"] * len(filler)
    texts[BLOCK_ROWS - 1], intents[BLOCK_ROWS - 1] = "where is my parcel please", "order_status"
    texts[BLOCK_ROWS], intents[BLOCK_ROWS] = "where is my parcel please now", "complaint"
    texts[-1], intents[-1] = "where is my parcel, please", "feedback"
    found = {(pair.first, pair.second) for pair in similar_pairs(texts, intents, 0.9, 0.85)}
    assert (BLOCK_ROWS - 1, BLOCK_ROWS) in found
    assert (BLOCK_ROWS - 1, len(texts) - 1) in found
    assert all(intents[first] != intents[second] for first, second in found)


def test_invalid_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(BROKEN.root, project)
    (project / "data" / "nlu" / "greet.yml").write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n - [oops\n')
    [finding] = run_lints(ProjectPaths(project))
    assert finding.check == "yaml-syntax"
    assert str(finding.where) == "data/nlu/greet.yml:5"
    assert "indentation" in finding.fix


def test_check_data_fails_on_errors_and_says_so() -> None:
    out = io.StringIO()
    assert check_data(BROKEN, out=out, rasa_validate=None) == 1
    text = out.getvalue()
    assert "data/nlu/greet.yml:3: error:" in text
    assert "check-data FAILED" in text


def test_check_data_fails_when_rasa_validate_fails() -> None:
    out = io.StringIO()
    assert check_data(ProjectPaths(), LintSettings(), out, rasa_validate=lambda paths, stream: 1) == 1
    assert "rasa data validate: FAILED" in out.getvalue()


def test_rasa_validate_runs_on_the_project_paths() -> None:
    command = rasa_validate_command(BROKEN)
    assert command[1:5] == ["-m", "rasa", "data", "validate"]
    data = command[command.index("--data") + 1 :]
    assert data == [str(BROKEN.nlu_dir), str(BROKEN.rules), str(BROKEN.stories)]
    assert command[command.index("--domain") + 1] == str(BROKEN.domain)


def test_rasa_warnings_become_one_line_each_and_library_noise_is_dropped() -> None:
    output = (
        "/x/pkg_resources/__init__.py:3117: DeprecationWarning: Deprecated call to `declare_namespace('ruamel')`.\n"
        "Implementing implicit namespace packages (as specified in PEP 420) is preferred.\n"
        "  declare_namespace(pkg)\n"
        "\x1b[93m/x/rasa/shared/utils/io.py:100: UserWarning: Issue found in 'data/rules.yml': \n"
        "Found intent 'order_statos' in stories which is not part of the domain.\n"
        "  More info at https://rasa.com/docs/rasa/stories\n"
        "\x1b[0m\x1b[93m/x/io.py:100: UserWarning: The utterance 'utter_ask_order_id' is not used in any story or rule.\n"
        "\x1b[0m\x1b[93m/x/io.py:100: UserWarning: The utterance 'utter_ask_product' is not used in any story or rule.\n\x1b[0m"
    )
    assert rasa_messages(output, {"utter_ask_order_id"}) == [
        "rasa data validate: warning: Issue found in 'data/rules.yml': "
        "Found intent 'order_statos' in stories which is not part of the domain.",
        "rasa data validate: warning: The utterance 'utter_ask_product' is not used in any story or rule.",
    ]


def test_when_rasa_fails_its_error_lines_are_all_shown() -> None:
    output = (
        "/x/util.py:52: DeprecationWarning: jax.xla_computation is deprecated.\n"
        "  from jax import xla_computation\n"
        "YamlSyntaxException: Failed to read 'domain.yml'.\n"
        '  in "domain.yml", line 3, column 2:\n'
    )
    assert rasa_messages(output, set(), failed=True) == [
        "rasa data validate: YamlSyntaxException: Failed to read 'domain.yml'.",
        'rasa data validate:   in "domain.yml", line 3, column 2:',
    ]


def test_a_regression_phrasing_copied_into_training_data_is_an_error(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(BROKEN.root, project)
    (project / "tests").mkdir()
    (project / "tests" / "nlu_regression.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - Hiya there!\n    - never copied\n'
    )
    greet = project / "data" / "nlu" / "greet.yml"
    greet.write_text(greet.read_text().replace("examples: |\n", "examples: |\n    - hiya there\n", 1))
    found = run_lints(ProjectPaths(project))
    [finding] = [f for f in found if f.check == "copied-from-regression-set"]
    assert finding.severity == Severity.ERROR
    assert "'hiya there' is a phrasing of the frozen regression set (tests/nlu_regression.yml:5)" in finding.problem
    assert finding.where.file == "data/nlu/greet.yml"
    uncovered = [f for f in found if f.check == "intent-not-in-regression-set"]
    assert "order_status" in {f.problem.split("'")[1] for f in uncovered}
    assert "greet" not in {f.problem.split("'")[1] for f in uncovered}
    assert all(f.severity == Severity.WARNING for f in uncovered)


def test_without_a_regression_set_nothing_about_it_is_reported(findings: List[Finding]) -> None:
    assert not [f for f in findings if f.check in ("copied-from-regression-set", "intent-not-in-regression-set")]
