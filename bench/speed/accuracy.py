"""Intent accuracy on `../shared/eval/intents_dev.csv`, measured by `bench/nlu_eval.py`.

The `rasa init` bot knows none of the dev set's intents (it has greet, goodbye, mood_*, ...),
so its accuracy there means nothing. What does compare is each reference *pipeline* trained
on our NLU data: `reference_pipelines` builds those projects for `bots.train_cold(nlu_only=True)`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from bench.speed.bots import BotProject
from bench.speed.processes import clean_environment
from bot.settings import REPO_ROOT

NLU_EVAL = REPO_ROOT / "bench" / "nlu_eval.py"
DEV_SET = (REPO_ROOT / ".." / "shared" / "eval" / "intents_dev.csv").resolve()


@dataclass(frozen=True)
class Accuracy:
    """Accuracy and macro-F1 of one model on the dev set, and its mean parse time."""

    accuracy: float
    macro_f1: float
    mean_parse_ms: float
    examples: int


def dev_set_available() -> bool:
    """True when `../shared/eval/intents_dev.csv` exists (a user's clone may not have it)."""
    return DEV_SET.exists()


def evaluate(model: Path, out_json: Path, log: Path) -> Optional[Accuracy]:
    """Run `bench/nlu_eval.py` on `model`; None when the dev set is missing or the run failed."""
    if not dev_set_available():
        return None
    out_json.parent.mkdir(parents=True, exist_ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as handle:
        result = subprocess.run(
            [sys.executable, str(NLU_EVAL), "--model", str(model), "--data", str(DEV_SET), "--json", str(out_json)],
            cwd=REPO_ROOT, env=clean_environment(), stdout=handle, stderr=subprocess.STDOUT,
        )
    if result.returncode != 0 or not out_json.exists():
        print(f"intent evaluation of {model} failed; see {log}", file=sys.stderr)
        return None
    report = json.loads(out_json.read_text(encoding="utf-8"))
    return Accuracy(
        float(report["accuracy"]), float(report["macro_f1"]), float(report["mean_parse_ms"]), int(report["examples"])
    )


def reference_pipelines(references: List[BotProject]) -> List[BotProject]:
    """Each reference config (default, light) as an NLU-only project on our `data/nlu`."""
    return [
        BotProject(f"{project.name} pipeline", REPO_ROOT, project.config, project.domain, [REPO_ROOT / "data" / "nlu"])
        for project in references
    ]
