"""Tests for bot/trainer/nlu_evaluation.py: the stable held-out split, the training workspace, reports.

The one slow test trains a tiny model and runs `eval` end to end; the rest train nothing.
"""

from __future__ import annotations

import io
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from bot.trainer.nlu_scoring import Example, Prediction, Report, build_report, timed_predictions
from bot.trainer.nlu_evaluation import (
    EvalOptions,
    accept,
    dev_skip_reason,
    heldout_mask,
    prepare_workspace,
    read_report,
    run_eval,
    section,
    split_nlu,
)
from bot.settings import REPO_ROOT
from bot.trainer.training_sources import ProjectPaths

BROKEN = ProjectPaths(Path(__file__).resolve().parents[2] / "fixtures" / "broken_data")


def items(intent: str, count: int) -> list[tuple[str, str]]:
    """`count` distinct (intent, text) pairs."""
    return [(intent, f"{intent} example number {n}") for n in range(count)]


def test_about_15_percent_of_each_intent_is_held_out() -> None:
    data = items("refund", 40) + items("greet", 27) + items("payment", 100)
    mask = heldout_mask(data)
    held = Counter(intent for (intent, _), h in zip(data, mask) if h)
    assert held == {"refund": 6, "greet": 4, "payment": 15}


def test_split_is_deterministic_and_ignores_case_and_spacing() -> None:
    data = items("refund", 40)
    respaced = [(intent, "  " + text.upper().replace(" ", "  ")) for intent, text in data]
    assert heldout_mask(data) == heldout_mask(data) == heldout_mask(respaced)


def test_adding_examples_keeps_the_others_on_their_side() -> None:
    before = items("refund", 40)
    after = before + [("refund", f"a new refund sentence {n}") for n in range(7)]
    old, new = heldout_mask(before), heldout_mask(after)[: len(before)]
    moved = sum(1 for a, b in zip(old, new) if a != b)
    assert moved <= 7, "only examples at the boundary may change side"
    assert sum(heldout_mask(after)) == 7


def test_duplicates_share_a_side_and_tiny_intents_keep_a_training_example() -> None:
    data = items("refund", 30) + [("refund", "refund example number 3")] + [("lonely", "only one")]
    mask = heldout_mask(data)
    assert mask[3] == mask[30]
    assert mask[31] is False
    assert heldout_mask([("a", "one"), ("a", "two")]).count(True) == 1


def test_split_keeps_entities_lookups_and_regexes_for_training() -> None:
    training, heldout = split_nlu(BROKEN.nlu_dir)
    text = training.nlu_as_yaml()
    assert "- lookup: product" in text and "- regex: order_id" in text
    assert "](order_id)" in text
    assert {e.intent for e in heldout} <= {"greet", "order_status"}
    held_texts = {e.text for e in heldout}
    assert not held_texts & {m.get("text") for m in training.intent_examples}
    assert len(heldout) + len(training.intent_examples) == 30


def test_workspace_has_the_project_files_and_only_the_training_share(tmp_path: Path) -> None:
    source = tmp_path / "project"
    shutil.copytree(BROKEN.root, source)
    (source / "config.yml").write_text("language: en\n")
    workspace = tmp_path / "workspace"
    (workspace / "data" / "nlu").mkdir(parents=True)
    (workspace / "data" / "nlu" / "old_intent.yml").write_text("stale")
    paths = prepare_workspace(ProjectPaths(source), workspace, "version: '3.1'\nnlu: []\n")
    assert paths.domain.read_text() == (source / "domain.yml").read_text()
    assert paths.rules.exists() and paths.stories.exists() and paths.config.exists()
    assert [p.name for p in paths.nlu_dir.iterdir()] == ["train.yml"]
    written = (paths.nlu_dir / "train.yml").stat().st_mtime_ns
    prepare_workspace(ProjectPaths(source), workspace, "version: '3.1'\nnlu: []\n")
    assert (paths.nlu_dir / "train.yml").stat().st_mtime_ns == written, "unchanged data is not rewritten"


def sample_report() -> Report:
    """A bench report of two examples, one of them misclassified."""
    examples = [Example("money back", "refund"), Example("refund my order", "refund")]
    predictions = [Prediction("payment", 0.4), Prediction("refund", 0.9)]
    _, timings = timed_predictions(lambda text: Prediction("refund", 1.0), [e.text for e in examples])
    return build_report(examples, predictions, timings)


def test_shared_dev_sentences_stay_out_of_the_report() -> None:
    assert "errors" not in section(sample_report(), keep_errors=False)
    kept = section(sample_report(), keep_errors=True, share=0.15)
    assert kept["errors"][0]["text"] == "money back"
    assert kept["share"] == 0.15
    assert kept["per_intent"]["refund"]["support"] == 2


def test_accept_copies_latest_and_says_what_to_do_when_missing(tmp_path: Path) -> None:
    latest, accepted = tmp_path / "latest.json", tmp_path / "accepted.json"
    with pytest.raises(FileNotFoundError, match="run `python -m bot.trainer eval` first"):
        accept(latest, accepted)
    latest.write_text(json.dumps({"heldout": {"accuracy": 0.9}}))
    accept(latest, accepted)
    assert read_report(accepted) == {"heldout": {"accuracy": 0.9}}
    assert read_report(tmp_path / "none.json") is None


def test_accepting_a_report_without_the_dev_set_keeps_the_accepted_dev_figures_and_says_so(tmp_path: Path) -> None:
    latest, accepted = tmp_path / "latest.json", tmp_path / "accepted.json"
    dev = {"accuracy": 0.81, "per_intent": {"refund": {"f1": 0.8, "support": 40}}}
    accepted.write_text(json.dumps({"created": "2026-11-20T10:00:00+00:00", "heldout": {"accuracy": 0.88}, "dev": dev}))
    latest.write_text(json.dumps({"created": "2026-11-25T12:00:00+00:00", "heldout": {"accuracy": 0.9}, "dev": None,
                                  "dev_note": "skipped: ../shared/eval/intents_dev.csv not found"}))
    acceptance = accept(latest, accepted)
    report = read_report(accepted)
    assert report["heldout"] == {"accuracy": 0.9} and report["dev"] == dev
    assert "not found" in report["dev_note"] and "2026-11-20T10:00:00+00:00" in report["dev_note"]
    assert "kept the dev-set figures of the previous accepted report" in acceptance.describe()


def test_accepting_a_report_with_the_dev_set_copies_it_as_it_is(tmp_path: Path) -> None:
    latest, accepted = tmp_path / "latest.json", tmp_path / "accepted.json"
    accepted.write_text(json.dumps({"dev": {"accuracy": 0.81}}))
    latest.write_text(json.dumps({"heldout": {"accuracy": 0.9}, "dev": {"accuracy": 0.83}}))
    acceptance = accept(latest, accepted)
    assert accepted.read_text() == latest.read_text()
    assert acceptance.describe() == f"accepted: {accepted} (commit it with the data change)"


def test_dev_set_absent_or_skipped_is_explained(tmp_path: Path) -> None:
    assert "--heldout-only" in (dev_skip_reason(None) or "")
    assert "not found" in (dev_skip_reason(tmp_path / "intents_dev.csv") or "")
    (tmp_path / "intents_dev.csv").write_text("text,intent\nhi,greet\n")
    assert dev_skip_reason(tmp_path / "intents_dev.csv") is None


def tiny_project(root: Path) -> ProjectPaths:
    """Three of the project's intents with their real examples, config, and a matching domain."""
    (root / "data" / "nlu").mkdir(parents=True)
    for intent in ("greet", "goodbye", "thank"):
        shutil.copyfile(REPO_ROOT / "data" / "nlu" / f"{intent}.yml", root / "data" / "nlu" / f"{intent}.yml")
    shutil.copyfile(REPO_ROOT / "config.yml", root / "config.yml")
    (root / "domain.yml").write_text(
        'version: "3.1"\nintents: [greet, goodbye, thank]\nresponses:\n'
        '  utter_greet: [{text: "Hi"}]\n  utter_goodbye: [{text: "Bye"}]\n'
        '  utter_youre_welcome: [{text: "Welcome"}]\n  utter_default: [{text: "Sorry"}]\n'
        '  utter_please_rephrase: [{text: "Again?"}]\n'
    )
    rules = "".join(
        f"  - rule: {intent}\n    steps:\n      - intent: {intent}\n      - action: {action}\n"
        for intent, action in (("greet", "utter_greet"), ("goodbye", "utter_goodbye"), ("thank", "utter_youre_welcome"))
    )
    (root / "data" / "rules.yml").write_text(f'version: "3.1"\nrules:\n{rules}')
    (root / "data" / "stories.yml").write_text('version: "3.1"\nstories: []\n')
    return ProjectPaths(root)


@pytest.mark.slow
def test_eval_end_to_end_on_a_tiny_project(tmp_path: Path) -> None:
    paths = tiny_project(tmp_path / "project")
    options = EvalOptions(
        paths=paths, dev_data=None, workspace=tmp_path / "heldout", heldout_models=tmp_path / "models",
        latest_report=tmp_path / "reports" / "nlu_latest.json", confusion_png=tmp_path / "reports" / "cm.png",
    )
    out = io.StringIO()
    result = run_eval(options, out)
    written = read_report(options.latest_report)
    assert written == json.loads(json.dumps(result.latest))
    assert set(written["heldout"]["per_intent"]) >= {"greet", "goodbye", "thank"}
    assert 0.5 <= written["heldout"]["accuracy"] <= 1.0
    assert written["dev"] is None and "--heldout-only" in written["dev_note"]
    assert options.confusion_png.read_bytes()[:4] == b"\x89PNG"
    progress = out.getvalue()
    assert "[1/4] Splitting data/nlu" in progress and "[4/4] Writing the report" in progress
    assert result.heldout.examples == sum(e["support"] for e in written["heldout"]["per_intent"].values())
