"""Lints on `data/frustration/*.yml`, the frustration classifier's own examples, checked as training reads them.

Training reads these files with PyYAML inside `rasa train`: a YAML mistake used to end it after
half a minute with a traceback naming no file, and an unquoted `- no` or `- a: b` silently became
the text "False" or "{'a': 'b'}". The rules live with the loader (`bot.nlu.frustration_corpus`);
here each of its problems becomes a `file:line` finding, before anything is trained.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

from bot.nlu.frustration_corpus import CORPUS_FILES, corpus_problems
from bot.trainer.lint_findings import Finding, Severity
from bot.trainer.training_sources import Location, ProjectPaths


def frustration_file_findings(path: Path, key: str, paths: ProjectPaths) -> List[Finding]:
    """One error per problem the classifier's loader would refuse `path` for."""
    file = paths.relative(path)
    return [
        Finding("frustration-file-malformed", Severity.ERROR, Location(file, problem.line), problem.problem, problem.fix)
        for problem in corpus_problems(path.read_bytes(), key)
    ]


def malformed_frustration_files(paths: ProjectPaths) -> List[Finding]:
    """Every problem in the frustration files of a project that has `data/frustration/` (none when it has not)."""
    folder = paths.frustration_dir
    if not folder.is_dir():
        return []
    findings: List[Finding] = []
    for name, key in CORPUS_FILES.items():
        path = folder / name
        if path.exists():
            findings += frustration_file_findings(path, key, paths)
        else:
            findings.append(Finding(
                "frustration-file-missing", Severity.ERROR, Location(paths.relative(path), 1),
                f"{name} is missing, and training the frustration classifier needs it",
                f"restore it from git (git checkout -- {paths.relative(path)})",
            ))
    return findings


def unknown_frustration_files(paths: ProjectPaths) -> List[Finding]:
    """A YAML file in `data/frustration/` that training does not read: its messages are silently unused."""
    folder = paths.frustration_dir
    known = ", ".join(CORPUS_FILES)
    return [
        Finding(
            "frustration-file-unknown", Severity.WARNING, Location(paths.relative(path), 1),
            f"training reads only {known} in {paths.relative(folder)}, so nothing in {path.name} is trained on",
            f"move its messages into {known} (frustrated ones by category, calm ones in calm.yml), then delete it",
        )
        for path in (sorted(folder.glob("*.y*ml")) if folder.is_dir() else [])
        if path.name not in CORPUS_FILES
    ]
