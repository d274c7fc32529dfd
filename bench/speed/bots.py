"""The three bots of the speed bench and their cold training.

- "default": the project `rasa init --no-prompt` creates, as it is (its config leaves pipeline
  and policies empty, so Rasa fills in its defaults: DIET, ResponseSelector, TED, UnexpecTED,
  Memoization, Rule).
- "light": the same data and domain with the light config of issue 7.
- "ours": this repository's config, domain and training data.

Training is cold: a fresh output folder and an empty `RASA_CACHE_DIRECTORY`, timed on the wall
clock around the whole `rasa train` command (what a trainer waits for).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import yaml

from bench.speed.processes import clean_environment
from bot.launcher.processes import newest_model
from bot.settings import REPO_ROOT

LIGHT_CONFIG = {
    "recipe": "default.v1",
    "language": "en",
    "pipeline": [
        {"name": "WhitespaceTokenizer"},
        {"name": "CountVectorsFeaturizer"},
        {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
        {"name": "LogisticRegressionClassifier"},
    ],
    "policies": [{"name": "MemoizationPolicy"}, {"name": "RulePolicy"}],
}
TRAIN_TIMES_FILE = "train_times.json"


class TrainingFailed(RuntimeError):
    """`rasa train` (or `rasa init`) failed; the message names its log."""


@dataclass(frozen=True)
class BotProject:
    """What `rasa train` needs for one bot; `root` is the working directory (custom components)."""

    name: str
    root: Path
    config: Path
    domain: Path
    data: Sequence[Path]


@dataclass(frozen=True)
class Training:
    """A trained model and how long its cold training took (`reused`: trained by an earlier run)."""

    model: Path
    seconds: float
    reused: bool = False


def our_project() -> BotProject:
    """This repository, trained on the same files as `make train` (`bot.launcher.processes.train`)."""
    data = REPO_ROOT / "data"
    return BotProject(
        "ours", REPO_ROOT, REPO_ROOT / "config.yml", REPO_ROOT / "domain.yml",
        [data / "nlu", data / "rules.yml", data / "stories.yml"],
    )


def create_init_project(folder: Path, log: Path) -> None:
    """Run `rasa init --no-prompt` into `folder` (it also trains a model there, which we ignore)."""
    folder.mkdir(parents=True, exist_ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="speed-bench-init-cache-") as cache, log.open("ab") as handle:
        result = subprocess.run(
            [sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(folder)],
            cwd=folder, env=clean_environment({"RASA_CACHE_DIRECTORY": cache}),
            stdout=handle, stderr=subprocess.STDOUT,
        )
    if result.returncode != 0 or not (folder / "domain.yml").exists():
        raise TrainingFailed(f"`rasa init` failed in {folder}; see {log}")


def reference_projects(init_folder: Path) -> List[BotProject]:
    """The `rasa init` bot with its own config ("default") and with the light config ("light")."""
    light_config = init_folder / "config.light.yml"
    light_config.write_text(yaml.safe_dump(LIGHT_CONFIG, sort_keys=False), encoding="utf-8")
    data = [init_folder / "data"]
    return [
        BotProject("default", init_folder, init_folder / "config.yml", init_folder / "domain.yml", data),
        BotProject("light", init_folder, light_config, init_folder / "domain.yml", data),
    ]


def train_cold(project: BotProject, out_dir: Path, log: Path, nlu_only: bool = False) -> Training:
    """Train `project` into an emptied `out_dir` with an empty cache; time the whole command.

    `nlu_only` trains just the NLU pipeline on the first data path (a folder or file of NLU data).
    """
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    if nlu_only:
        data_args = ["nlu", "--nlu", str(project.data[0])]
    else:
        data_args = ["--domain", str(project.domain), "--data", *[str(path) for path in project.data]]
    command = [
        sys.executable, "-m", "rasa", "train", *data_args, "--config", str(project.config), "--out", str(out_dir),
    ]
    log.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="speed-bench-cache-") as cache, log.open("ab") as handle:
        started = time.monotonic()
        result = subprocess.run(
            command, cwd=project.root, env=clean_environment({"RASA_CACHE_DIRECTORY": cache}),
            stdout=handle, stderr=subprocess.STDOUT,
        )
        seconds = time.monotonic() - started
    model = newest_model(out_dir)
    if result.returncode != 0 or model is None:
        raise TrainingFailed(f"training {project.name} failed; see {log}")
    return Training(model, seconds)


def load_trainings(models_root: Path) -> Dict[str, Training]:
    """Trainings an earlier run recorded under `models_root`, marked as reused (missing models dropped)."""
    record = models_root / TRAIN_TIMES_FILE
    if not record.exists():
        return {}
    found = {}
    for name, entry in json.loads(record.read_text(encoding="utf-8")).items():
        model = Path(entry["model"])
        if model.exists():
            found[name] = Training(model, float(entry["seconds"]), reused=True)
    return found


def save_trainings(models_root: Path, trainings: Dict[str, Training]) -> None:
    """Record the trainings so `--skip-train` can reuse the models and report their times."""
    models_root.mkdir(parents=True, exist_ok=True)
    entries = {name: {**asdict(training), "model": str(training.model)} for name, training in trainings.items()}
    (models_root / TRAIN_TIMES_FILE).write_text(json.dumps(entries, indent=2), encoding="utf-8")


def reusable(trainings: Dict[str, Training], name: str) -> Optional[Training]:
    """The recorded training of `name`, if its model is still there."""
    training = trainings.get(name)
    return training if training is not None and training.model.exists() else None
