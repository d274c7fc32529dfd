"""Tests for bot/trainer/finetune.py: when `rasa train --finetune` is used and when it cannot be.

Rasa's training is an external process; a recording stand-in takes its place here so no test
trains (the real timings are measured by hand and written in docs/training.md).
"""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from pathlib import Path
from typing import List, Sequence, Tuple

import pytest

from bot.launcher.processes import StartupError
from bot.trainer.finetune import Labels, finetune_blockers, model_labels, retrain
from bot.trainer.training_sources import ProjectPaths

BROKEN = Path(__file__).resolve().parents[2] / "fixtures" / "broken_data"


def model_archive(folder: Path, intents: List[object], entities: List[str]) -> Path:
    """A model archive whose metadata names `intents` and `entities`, as Rasa packs it."""
    folder.mkdir(parents=True, exist_ok=True)
    metadata = folder / "metadata.json"
    metadata.write_text(json.dumps({"domain": {"intents": intents, "entities": entities}}))
    archive = folder / "20261125-120000-base.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(metadata, arcname="metadata.json")
    return archive


class RecordingTrainer:
    """Stands in for Rasa's training process: records the arguments, returns a model path."""

    def __init__(self, refuse_finetune: bool = False) -> None:
        self.calls: List[Tuple[str, ...]] = []
        self.refuse_finetune = refuse_finetune

    def __call__(self, models_dir: Path, root: Path, extra: Sequence[str]) -> Path:
        self.calls.append(tuple(extra))
        if self.refuse_finetune and "--finetune" in extra:
            raise StartupError("Cannot finetune because more than just the 'epoch' keys have been changed")
        return models_dir / "new.tar.gz"


@pytest.fixture
def project(tmp_path: Path) -> ProjectPaths:
    """The fixture project without its stray intent, so domain and examples agree."""
    shutil.copytree(BROKEN, tmp_path / "project")
    (tmp_path / "project" / "data" / "nlu" / "stray_intent.yml").unlink()
    return ProjectPaths(tmp_path / "project")


def test_labels_are_read_from_the_model_metadata(tmp_path: Path) -> None:
    archive = model_archive(tmp_path, ["greet", {"order_status": {"use_entities": True}}], ["product"])
    assert model_labels(archive) == Labels(frozenset({"greet", "order_status"}), frozenset({"product"}))


def test_new_or_removed_labels_block_finetuning() -> None:
    before = Labels(frozenset({"greet", "refund"}), frozenset({"product"}))
    now = Labels(frozenset({"greet", "refund", "warranty_claim"}), frozenset())
    assert finetune_blockers(before, now) == ["new intents: warranty_claim", "removed entities: product"]
    assert finetune_blockers(before, before) == []


def test_same_labels_finetune_the_newest_model(tmp_path: Path, project: ProjectPaths) -> None:
    base = model_archive(tmp_path / "models", ["greet", "order_status", "ghost_intent"], ["product", "order_id", "colour"])
    trainer = RecordingTrainer()
    outcome = retrain(tmp_path / "models", project, out=io.StringIO(), trainer=trainer, clock=iter([0.0, 42.0]).__next__)
    assert trainer.calls == [("--finetune", str(base))]
    assert (outcome.mode, outcome.seconds) == ("finetune", 42.0)


def test_a_new_intent_trains_normally_and_says_why(tmp_path: Path, project: ProjectPaths) -> None:
    model_archive(tmp_path / "models", ["greet", "order_status"], ["product", "order_id", "colour"])
    trainer, out = RecordingTrainer(), io.StringIO()
    outcome = retrain(tmp_path / "models", project, out=out, trainer=trainer)
    assert trainer.calls == [()]
    assert outcome.mode == "normal"
    assert "not possible (new intents: ghost_intent)" in out.getvalue()


def test_when_rasa_refuses_it_falls_back_to_normal_training(tmp_path: Path, project: ProjectPaths) -> None:
    model_archive(tmp_path / "models", ["greet", "order_status", "ghost_intent"], ["product", "order_id", "colour"])
    trainer, out = RecordingTrainer(refuse_finetune=True), io.StringIO()
    outcome = retrain(tmp_path / "models", project, out=out, trainer=trainer)
    assert [call[:1] for call in trainer.calls] == [("--finetune",), ()]
    assert outcome.mode == "normal"
    assert "Rasa refused to fine-tune" in out.getvalue()


def test_without_any_model_it_trains_from_scratch(tmp_path: Path, project: ProjectPaths) -> None:
    trainer = RecordingTrainer()
    assert retrain(tmp_path / "empty", project, out=io.StringIO(), trainer=trainer).mode == "full"
    assert trainer.calls == [()]


def test_a_model_of_an_older_layout_is_not_fine_tuned(tmp_path: Path, project: ProjectPaths) -> None:
    """Rasa cannot load a model naming classes that moved; training from scratch says so."""
    base = model_archive(tmp_path / "models", ["greet"], [])
    with tarfile.open(base, "w:gz") as tar:
        metadata = tmp_path / "metadata.json"
        metadata.write_text(json.dumps({"train_schema": {"nodes": {"p": {"uses": "bot.handoff_policy_gone.Policy"}}}}))
        tar.add(metadata, arcname="metadata.json")
    trainer, out = RecordingTrainer(), io.StringIO()
    outcome = retrain(tmp_path / "models", project, out=out, trainer=trainer)
    assert trainer.calls == [()]
    assert outcome.mode == "full"
    assert "Fine-tuning is not possible. Retraining: " in out.getvalue()
    assert "bot.handoff_policy_gone.Policy" in out.getvalue()
