"""Tiny model archives for launcher tests: just the metadata Rasa and our outdated-model check read."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Sequence


def model_archive(path: Path, classes: Sequence[str] = ()) -> Path:
    """A model archive whose metadata names `classes` as its graph's components (none: a model this code can load)."""
    nodes = {f"node{i}": {"uses": name} for i, name in enumerate(classes)}
    data = json.dumps({"train_schema": {"nodes": nodes}, "predict_schema": {"nodes": {}}}).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("metadata.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return path
