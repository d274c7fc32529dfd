"""What a data lint reports: a problem, where it is (file and line), and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Iterable, List

from bot.trainer.training_sources import Location


class Severity(str, Enum):
    """Errors fail `check-data`; warnings are printed and let it pass."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One lint message; `check` names the lint so tests and trainers can filter on it."""

    check: str
    severity: Severity
    where: Location
    problem: str
    fix: str

    def __str__(self) -> str:
        """`file:line: error: what is wrong. Fix: what to do.`"""
        return f"{self.where}: {self.severity.value}: {self.problem}. Fix: {self.fix}"


def sorted_findings(findings: Iterable[Finding]) -> List[Finding]:
    """Errors first, then by file and line, so the output reads top to bottom per file."""
    return sorted(findings, key=lambda f: (f.severity != Severity.ERROR, f.where.file, f.where.line, f.check))


def count_errors(findings: Iterable[Finding]) -> int:
    """How many findings are errors."""
    return sum(1 for finding in findings if finding.severity == Severity.ERROR)
