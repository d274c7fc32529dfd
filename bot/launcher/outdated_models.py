"""Whether a trained model names classes this code no longer has (e.g. after modules moved).

A Rasa model archive records every graph component by dotted class path. After a layout
change, loading an older model fails deep inside Rasa; the launcher reads the archive's
metadata first, says in one line why the model is outdated, and trains a new one.
"""

from __future__ import annotations

import importlib.util
import json
import tarfile
from pathlib import Path
from typing import Iterable, List, Optional

METADATA_FILE = "metadata.json"
SCHEMAS = ("train_schema", "predict_schema")


def component_classes(model: Path) -> List[str]:
    """The dotted class paths a model archive's graph uses, in first-seen order."""
    with tarfile.open(model, "r:gz") as archive:
        member = archive.extractfile(METADATA_FILE)
        metadata = json.load(member) if member else {}
    classes: List[str] = []
    for schema in SCHEMAS:
        for node in ((metadata.get(schema) or {}).get("nodes") or {}).values():
            uses = node.get("uses")
            if uses and uses not in classes:
                classes.append(uses)
    return classes


def module_exists(class_path: str) -> bool:
    """True when the module part of `class_path` can be found (without importing it)."""
    module = class_path.rpartition(".")[0]
    try:
        return bool(module) and importlib.util.find_spec(module) is not None
    except ImportError:
        return False


def missing_classes(classes: Iterable[str]) -> List[str]:
    """The classes whose module this code does not have."""
    return [class_path for class_path in classes if not module_exists(class_path)]


def outdated_model_reason(model: Path) -> Optional[str]:
    """One line saying why `model` cannot be loaded by this code, or None when it can."""
    try:
        missing = missing_classes(component_classes(model))
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        return f"Retraining: {model.name} cannot be read ({error})."
    if not missing:
        return None
    return (
        f"Retraining: {model.name} was trained by an older version that named classes this code "
        f"no longer has ({', '.join(missing)}); modules moved, so a new model is trained."
    )
