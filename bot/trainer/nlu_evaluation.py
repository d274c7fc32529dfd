"""`eval`: NLU accuracy on a held-out split of our own data and on ../shared/eval, saved as a report.

The split holds out about 15 % of each intent's examples, chosen by a hash of the example's
text, so an example stays on the same side when others are added or removed. A model trained
on the rest (in `models/heldout/`, its data copy in `var/heldout/`) is scored on them and on the
frozen regression set `tests/nlu_regression.yml` (which edits to data/nlu cannot change); the full
model in `models/` is scored on `intents_dev.csv`. Measuring reuses `bot/trainer/nlu_scoring.py`, so
run from the repository root (as `make eval` does).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, TextIO, Tuple

from bot.trainer.nlu_scoring import (
    DEFAULT_DATA,
    Example,
    Prediction,
    Report,
    build_report,
    load_parser,
    quiet_rasa,
    read_examples,
    report_as_json,
    timed_predictions,
)
from bot.launcher.processes import train
from bot.settings import REPO_ROOT
from bot.trainer.confusion_plot import confusion_matrix, save_png
from bot.trainer.library_log import TRAINER_LOG
from bot.trainer.stage_progress import StageProgress
from bot.trainer.training_sources import ProjectPaths

HELDOUT_SHARE = 0.15
REPORTS_DIR = REPO_ROOT / "reports"
LATEST_REPORT = REPORTS_DIR / "nlu_latest.json"
ACCEPTED_REPORT = REPORTS_DIR / "nlu_accepted.json"
CONFUSION_PNG = REPORTS_DIR / "confusion_matrix.png"
HELDOUT_WORKSPACE = REPO_ROOT / "var" / "heldout"
HELDOUT_MODELS = REPO_ROOT / "models" / "heldout"
FULL_MODELS = REPO_ROOT / "models"
TRAINING_HEARTBEAT_SECONDS = 15.0

REGRESSION_SET = REPO_ROOT / "tests" / "nlu_regression.yml"
REGRESSION_LABEL = "regression set tests/nlu_regression.yml"

Trainer = Callable[[Path, Path], Path]
Parser = Callable[[str], Prediction]


def quiet_train(models_dir: Path, root: Path) -> Path:
    """`bot.launcher.processes.train` with Rasa's output (warnings and errors) in the trainer's log file.

    Without the data lints `make train` runs first: the held-out workspace is a derived copy (one
    `train.yml`) that the per-file lints would refuse; `make check-data` checks the real files.
    """
    return train(models_dir, root, ("--quiet",), log=TRAINER_LOG, check_data_first=False)


@dataclass
class EvalOptions:
    """Where `eval` reads, trains and writes; every default is this repository's."""

    paths: ProjectPaths = field(default_factory=ProjectPaths)
    share: float = HELDOUT_SHARE
    dev_data: Optional[Path] = DEFAULT_DATA
    workspace: Path = HELDOUT_WORKSPACE
    heldout_models: Path = HELDOUT_MODELS
    full_models: Path = FULL_MODELS
    latest_report: Path = LATEST_REPORT
    confusion_png: Path = CONFUSION_PNG
    trainer: Trainer = quiet_train
    regression_set: Optional[Path] = REGRESSION_SET


@dataclass
class EvalResult:
    """The figures of one `eval` run: the JSON written to the latest report and the bench reports."""

    latest: Dict[str, Any]
    heldout: Report
    dev: Optional[Report] = None
    regression: Optional[Report] = None


def example_key(text: str) -> str:
    """The text an example is hashed on: lower-case, single spaces, so re-spacing keeps its side."""
    return re.sub(r"\s+", " ", text.lower()).strip()


def heldout_mask(items: Sequence[Tuple[str, str]], share: float = HELDOUT_SHARE) -> List[bool]:
    """For (intent, text) items, True for the held-out ones: per intent, the `share` with the lowest text hash.

    Equal texts share a side, so a duplicate cannot leak a held-out example into training.
    Every intent with at least two distinct texts keeps at least one held out and one to train on.
    """
    digests = [hashlib.sha1(example_key(text).encode("utf-8")).hexdigest() for _, text in items]
    by_intent: Dict[str, set] = {}
    for (intent, _), digest in zip(items, digests):
        by_intent.setdefault(intent, set()).add(digest)
    held: set = set()
    for intent, distinct in by_intent.items():
        if len(distinct) < 2:
            continue
        count = min(max(1, round(share * len(distinct))), len(distinct) - 1)
        held |= {(intent, digest) for digest in sorted(distinct)[:count]}
    return [(intent, digest) in held for (intent, _), digest in zip(items, digests)]


def split_nlu(nlu_dir: Path, share: float = HELDOUT_SHARE) -> Tuple[Any, List[Example]]:
    """Rasa `TrainingData` without the held-out examples (entities, lookups, regexes kept), and those examples."""
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = load_data(str(nlu_dir))
    messages = data.intent_examples
    mask = heldout_mask([(m.get("intent"), m.get("text")) for m in messages], share)
    training = TrainingData(
        training_examples=[m for m, held in zip(messages, mask) if not held],
        entity_synonyms=data.entity_synonyms,
        regex_features=data.regex_features,
        lookup_tables=data.lookup_tables,
    )
    heldout = [Example(m.get("text"), m.get("intent")) for m, held in zip(messages, mask) if held]
    return training, heldout


def write_if_changed(path: Path, text: str) -> None:
    """Write `text` unless the file already holds it (Rasa fingerprints content, this keeps mtimes)."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def prepare_workspace(paths: ProjectPaths, workspace: Path, training_yaml: str) -> ProjectPaths:
    """A copy of the project's config, domain, rules and stories with only the training share as NLU."""
    for source in (paths.config, paths.domain, paths.rules, paths.stories):
        write_if_changed(workspace / source.relative_to(paths.root), source.read_text(encoding="utf-8"))
    nlu_dir = workspace / "data" / "nlu"
    for stale in nlu_dir.glob("*.yml"):
        if stale.name != "train.yml":
            stale.unlink()
    write_if_changed(nlu_dir / "train.yml", training_yaml)
    return ProjectPaths(workspace)


def score(parse: Parser, model: Path, examples: Sequence[Example], label: str) -> Tuple[Report, List[str]]:
    """Parse every example with `model`'s parser; return the bench report and the predicted intents."""
    parse(examples[0].text)
    predictions, timings = timed_predictions(parse, [example.text for example in examples])
    report = build_report(examples, predictions, timings)
    report.model, report.data = model.name, label
    return report, [prediction.intent for prediction in predictions]


def read_regression_set(path: Path) -> List[Example]:
    """The frozen regression phrasings (Rasa NLU test-data format) as labelled examples."""
    from rasa.shared.nlu.training_data.loading import load_data

    return [Example(m.get("text"), m.get("intent")) for m in load_data(str(path)).intent_examples]


def section(report: Report, keep_errors: bool, **extra: Any) -> Dict[str, Any]:
    """One dataset's part of the JSON report; errors kept only for our own data (shared data stays out)."""
    data = report_as_json(report)
    if not keep_errors:
        data.pop("errors", None)
    data.update(extra)
    return data


def read_report(path: Path) -> Optional[Dict[str, Any]]:
    """A report JSON, or None when the file does not exist."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def write_report(path: Path, report: Dict[str, Any]) -> Path:
    """Write a report JSON (stable key order, so diffs of the accepted report read well)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def dev_skip_reason(dev_data: Optional[Path]) -> Optional[str]:
    """Why the shared dev set is not evaluated, or None when it is."""
    if dev_data is None:
        return "skipped on request (--heldout-only)"
    if not dev_data.exists():
        return f"skipped: {dev_data} not found (it lives in ../shared/eval next to the repository)"
    return None


def run_eval(options: EvalOptions, out: TextIO = sys.stdout) -> EvalResult:
    """Split, train if needed, score the held-out split and the dev set, write the latest report and PNG."""
    skip_dev = dev_skip_reason(options.dev_data)
    progress = StageProgress(4 if skip_dev else 6, out)
    quiet_rasa()
    with progress.stage(f"Splitting {options.paths.relative(options.paths.nlu_dir)}: {options.share:.0%} of each intent held out"):
        training, heldout = split_nlu(options.paths.nlu_dir, options.share)
        workspace = prepare_workspace(options.paths, options.workspace, training.nlu_as_yaml())
        progress.say(f"{len(training.intent_examples)} examples to train on, {len(heldout)} held out")
    with progress.stage("Training on the rest (Rasa skips it when nothing changed)", TRAINING_HEARTBEAT_SECONDS):
        heldout_model = options.trainer(options.heldout_models, workspace.root)
    regression = read_regression_set(options.regression_set) if options.regression_set else []
    scored = f"{len(heldout)} held-out examples" + (f" and {len(regression)} regression phrasings" if regression else "")
    with progress.stage(f"Scoring {scored} with {heldout_model.name}"):
        parse = load_parser(heldout_model)
        heldout_report, heldout_predicted = score(parse, heldout_model, heldout, "held-out split of data/nlu")
        regression_report = score(parse, heldout_model, regression, REGRESSION_LABEL)[0] if regression else None
    matrices = [confusion_matrix("held-out split of data/nlu", [e.intent for e in heldout], heldout_predicted)]
    latest: Dict[str, Any] = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "heldout": section(heldout_report, True, share=options.share, train_examples=len(training.intent_examples)),
        "regression": section(regression_report, True) if regression_report else None,
        "dev": None,
        "dev_note": skip_dev or "",
    }
    dev_report = None
    if skip_dev or options.dev_data is None:
        print(f"Shared dev set {skip_dev}.", file=out)
    else:
        dev_examples = read_examples(options.dev_data)
        with progress.stage("Training on all of data/nlu (Rasa skips it when nothing changed)", TRAINING_HEARTBEAT_SECONDS):
            full_model = options.trainer(options.full_models, options.paths.root)
        with progress.stage(f"Scoring {len(dev_examples)} messages of {options.dev_data.name} with {full_model.name}"):
            dev_report, dev_predicted = score(load_parser(full_model), full_model, dev_examples, options.dev_data.name)
        latest["dev"] = section(dev_report, False)
        matrices.append(confusion_matrix(options.dev_data.name, [e.intent for e in dev_examples], dev_predicted))
    with progress.stage("Writing the report and the confusion matrix"):
        write_report(options.latest_report, latest)
        save_png(matrices, options.confusion_png)
    return EvalResult(latest, heldout_report, dev_report, regression_report)


@dataclass(frozen=True)
class Acceptance:
    """What `accept` wrote, and the note when the dev-set section was carried over from the previous report."""

    path: Path
    kept_dev_note: str = ""

    def describe(self) -> str:
        """The lines `accept` prints."""
        lines = [f"accepted: {self.path} (commit it with the data change)"]
        if self.kept_dev_note:
            lines.append(f"kept the dev-set figures of the previous accepted report: {self.kept_dev_note}")
        return "\n".join(lines)


def carried_dev_section(report: Dict[str, Any], previous: Optional[Dict[str, Any]]) -> str:
    """Copy the previous report's dev section into `report` when `report` has none; return the note saying so.

    An eval without `../shared/eval` (or with `--heldout-only`) scores no dev set; accepting it must
    not erase the last dev-set figures the next comparison needs.
    """
    if report.get("dev") is not None or not previous or previous.get("dev") is None:
        return ""
    why = report.get("dev_note") or "this eval scored no dev set"
    note = (f"this eval did not score the dev set ({why}); its figures are those of the report created "
            f"{previous.get('created', '(date unknown)')}")
    report["dev"] = previous["dev"]
    report["dev_note"] = note
    return note


def accept(latest: Path = LATEST_REPORT, accepted: Path = ACCEPTED_REPORT) -> Acceptance:
    """Make the latest report the accepted one (commit `reports/nlu_accepted.json` afterwards), keeping the
    accepted dev-set section when the latest report has none."""
    report = read_report(latest)
    if report is None:
        raise FileNotFoundError(f"{latest} does not exist: run `python -m bot.trainer eval` first.")
    note = carried_dev_section(report, read_report(accepted))
    if not note:
        shutil.copyfile(latest, accepted)
        return Acceptance(accepted)
    write_report(accepted, report)
    return Acceptance(accepted, note)

