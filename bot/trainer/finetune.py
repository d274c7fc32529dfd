"""`finetune`: retrain after a data change with `rasa train --finetune` when Rasa allows it.

Rasa fine-tunes only when the intents, entities, domain and config are those of the model it
starts from; a new intent (such as `warranty_claim`) needs a normal training. Our pipeline's
LogisticRegression classifier refits from scratch even when fine-tuning, so the saving is
small; docs/training.md gives the measured times.
"""

from __future__ import annotations

import json
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional, Sequence, TextIO

from bot.launcher.outdated_models import outdated_model_reason
from bot.launcher.processes import StartupError, newest_model, train
from bot.trainer.training_sources import ProjectPaths, load_trainer_data

Trainer = Callable[[Path, Path, Sequence[str]], Path]


@dataclass(frozen=True)
class Labels:
    """The intents and entities a model was trained with, or the data has now."""

    intents: frozenset
    entities: frozenset


@dataclass(frozen=True)
class RetrainOutcome:
    """Which kind of training ran, the model it produced and how long it took."""

    mode: str
    model: Path
    seconds: float


def model_labels(model: Path) -> Labels:
    """Intents and entities in a model archive's domain (`metadata.json`)."""
    with tarfile.open(model, "r:gz") as archive:
        member = next(m for m in archive.getmembers() if m.name.lstrip("/") == "metadata.json")
        handle = archive.extractfile(member)
        domain = json.load(handle)["domain"] if handle else {}
    return Labels(frozenset(map(label_name, domain.get("intents", []))), frozenset(map(label_name, domain.get("entities", []))))


def label_name(entry: object) -> str:
    """`greet` from `greet` or from `{"greet": {...}}` (domains allow both)."""
    return str(next(iter(entry))) if isinstance(entry, dict) else str(entry)


def data_labels(paths: ProjectPaths) -> Labels:
    """Intents and entities the domain and the NLU examples have now."""
    data = load_trainer_data(paths)
    intents = {i.name for i in data.domain_intents} | {b.name for b in data.intent_blocks}
    return Labels(frozenset(intents), frozenset(e.name for e in data.domain_entities))


def finetune_blockers(before: Labels, now: Labels) -> List[str]:
    """Why Rasa would refuse to fine-tune (new or removed intents or entities); empty when it can."""
    reasons = []
    for kind, old, new in (("intents", before.intents, now.intents), ("entities", before.entities, now.entities)):
        if new - old:
            reasons.append(f"new {kind}: {', '.join(sorted(new - old))}")
        if old - new:
            reasons.append(f"removed {kind}: {', '.join(sorted(old - new))}")
    return reasons


def retrain(
    models_dir: Path,
    paths: Optional[ProjectPaths] = None,
    base: Optional[Path] = None,
    out: TextIO = sys.stdout,
    trainer: Trainer = train,
    clock: Callable[[], float] = time.monotonic,
) -> RetrainOutcome:
    """Fine-tune `base` (default: the newest model) when possible, else train normally; time it."""
    paths = paths or ProjectPaths()
    base = base or newest_model(models_dir)
    started = clock()
    if base is None:
        print("No model to fine-tune yet: training from scratch.", file=out, flush=True)
        return RetrainOutcome("full", trainer(models_dir, paths.root, ()), clock() - started)
    outdated = outdated_model_reason(base)
    if outdated:
        print(f"Fine-tuning is not possible. {outdated}", file=out, flush=True)
        return RetrainOutcome("full", trainer(models_dir, paths.root, ()), clock() - started)
    blockers = finetune_blockers(model_labels(base), data_labels(paths))
    if blockers:
        print(f"Fine-tuning {base.name} is not possible ({'; '.join(blockers)}): training normally; "
              "Rasa reuses the cached parts that did not change.", file=out, flush=True)
        return RetrainOutcome("normal", trainer(models_dir, paths.root, ()), clock() - started)
    print(f"Fine-tuning {base.name} with the changed data ...", file=out, flush=True)
    try:
        model = trainer(models_dir, paths.root, ("--finetune", str(base)))
        return RetrainOutcome("finetune", model, clock() - started)
    except StartupError:
        print("Rasa refused to fine-tune (config or domain changed; see above): training normally.", file=out, flush=True)
        return RetrainOutcome("normal", trainer(models_dir, paths.root, ()), clock() - started)
