"""What changed between two NLU evaluation reports, and the CI gate on held-out accuracy.

Reports are the JSON `python -m bot.trainer eval` writes: `{"heldout": {...}, "regression": {...},
"dev": {...}}`, each section shaped like `bench.nlu_eval.report_as_json` (accuracy, macro_f1,
per_intent, errors).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional

from bot.nlu_misses import confusion_counts, new_misses

DATASETS = {
    "heldout": "held-out split of data/nlu",
    "regression": "regression set tests/nlu_regression.yml",
    "dev": "../shared/eval/intents_dev.csv",
}
DEFAULT_MARGIN = 0.02
DEFAULT_REGRESSION_MARGIN = 0.0
EXAMPLES_NAMED = 2
NOTABLE_CHANGE = 0.01

Report = Mapping[str, Any]


@dataclass(frozen=True)
class IntentChange:
    """One intent's F1 before and after (None when the intent is new or gone)."""

    intent: str
    before: Optional[float]
    after: Optional[float]
    support: int

    @property
    def delta(self) -> float:
        """After minus before (0 when either side is missing)."""
        if self.before is None or self.after is None:
            return 0.0
        return self.after - self.before


@dataclass(frozen=True)
class GateResult:
    """Whether the held-out accuracy stayed within the margin, and a sentence saying why."""

    passed: bool
    message: str


def intent_changes(latest: Report, accepted: Report) -> List[IntentChange]:
    """F1 per gold intent of one dataset section in both reports, largest change first."""
    after: Dict[str, Any] = {k: v for k, v in (latest.get("per_intent") or {}).items() if v.get("support")}
    before: Dict[str, Any] = {k: v for k, v in (accepted.get("per_intent") or {}).items() if v.get("support")}
    changes = [
        IntentChange(
            intent,
            before[intent]["f1"] if intent in before else None,
            after[intent]["f1"] if intent in after else None,
            int((after.get(intent) or before.get(intent))["support"]),
        )
        for intent in sorted(set(after) | set(before))
    ]
    return sorted(changes, key=lambda change: (-abs(change.delta), change.intent))


def signed(value: float) -> str:
    """+0.013 / -0.020."""
    return f"{value:+.3f}"


def describe_section(name: str, latest: Report, accepted: Report) -> List[str]:
    """Overall figures and per-intent F1 changes of one dataset."""
    lines = [
        f"{DATASETS.get(name, name)}:",
        f"  accuracy {accepted['accuracy']:.3f} -> {latest['accuracy']:.3f} ({signed(latest['accuracy'] - accepted['accuracy'])})"
        f"   macro-F1 {accepted['macro_f1']:.3f} -> {latest['macro_f1']:.3f} ({signed(latest['macro_f1'] - accepted['macro_f1'])})",
    ]
    changes = intent_changes(latest, accepted)
    better = [c for c in changes if c.delta >= NOTABLE_CHANGE]
    worse = [c for c in changes if c.delta <= -NOTABLE_CHANGE]
    new = [c for c in changes if c.before is None]
    gone = [c for c in changes if c.after is None]
    for label, group in (("better", better), ("worse", worse)):
        lines.append(f"  {label} (F1):" + ("" if group else " none"))
        lines += [f"    {c.intent:<18} {c.before:.3f} -> {c.after:.3f} ({signed(c.delta)}, n={c.support})" for c in group]
    if new:
        lines.append("  new intents: " + ", ".join(f"{c.intent} (F1 {c.after:.3f}, n={c.support})" for c in new))
    if gone:
        lines.append("  intents no longer evaluated: " + ", ".join(c.intent for c in gone))
    steady = len(changes) - len(better) - len(worse) - len(new) - len(gone)
    lines.append(f"  unchanged within ±{NOTABLE_CHANGE}: {steady} intents")
    return lines


def describe_changes(latest: Report, accepted: Optional[Report]) -> str:
    """The comparison a trainer reads after `eval`: per dataset, what got better or worse."""
    if not accepted:
        return "No accepted report yet: nothing to compare with. Accept this one with `python -m bot.trainer accept`."
    lines = [f"Compared with the accepted report of {accepted.get('created', 'unknown date')}:"]
    for name in DATASETS:
        if latest.get(name) and accepted.get(name):
            lines += describe_section(name, latest[name], accepted[name])
        elif latest.get(name) or accepted.get(name):
            lines.append(f"{DATASETS[name]}: only in the {'latest' if latest.get(name) else 'accepted'} report, not compared")
    return "\n".join(lines)


def accuracy_gate(
    latest: Report, accepted: Optional[Report], margin: float = DEFAULT_MARGIN,
    regression_margin: float = DEFAULT_REGRESSION_MARGIN,
) -> GateResult:
    """Fail when held-out accuracy fell more than `margin`, or regression-set accuracy more than
    `regression_margin`, below the accepted report's."""
    heldout = heldout_gate(latest, accepted, margin)
    regression = regression_gate(latest, accepted, regression_margin)
    if regression is None:
        return heldout
    return GateResult(heldout.passed and regression.passed, f"{heldout.message} {regression.message}")


def drop_explained(latest: Report, accepted: Report) -> str:
    """Which regression phrasings the model now gets wrong, by right intent and wrong guess, with examples."""
    appeared = new_misses(latest, accepted)
    if not appeared:
        return "no phrasing that was right is wrong now; the regression set itself changed, so accept a new report"
    parts = []
    for (gold, predicted), count in confusion_counts(appeared).most_common():
        texts = [f'"{m["text"]}"' for m in appeared if (m["gold"], m["predicted"]) == (gold, predicted)]
        parts.append(f"{count} {gold} phrasing(s) now read as {predicted} (e.g. {', '.join(texts[:EXAMPLES_NAMED])})")
    return "; ".join(parts)


def regression_gate(latest: Report, accepted: Optional[Report], margin: float) -> Optional[GateResult]:
    """The regression-set part of the gate; None when neither report scored the regression set."""
    now_section, then_section = latest.get("regression"), (accepted or {}).get("regression")
    if not now_section and not then_section:
        return None
    if not now_section:
        return GateResult(False, "The latest report has no regression-set accuracy: run `python -m bot.trainer eval` first.")
    now = float(now_section["accuracy"])
    if not then_section:
        return GateResult(True, f"Regression-set accuracy {now:.3f}; the accepted report has none to compare with.")
    then = float(then_section["accuracy"])
    if now < then - margin - 1e-9:
        return GateResult(
            False,
            f"Regression-set accuracy fell to {now:.3f} from the accepted {then:.3f} "
            f"({DATASETS['regression']}, which edits to data/nlu do not change): "
            f"{drop_explained(now_section, then_section)}. "
            "Look for examples of these intents that were moved or pasted under the wrong intent in data/nlu "
            "(`python -m bot.trainer eval` lists every miss); accept a new report only if the change is intended.",
        )
    return GateResult(True, f"Regression-set accuracy {now:.3f} (accepted {then:.3f}).")


def heldout_gate(latest: Report, accepted: Optional[Report], margin: float) -> GateResult:
    """Fail when held-out accuracy is more than `margin` below the accepted report's."""
    heldout = latest.get("heldout") or {}
    if "accuracy" not in heldout:
        return GateResult(False, "The latest report has no held-out accuracy: run `python -m bot.trainer eval` first.")
    now = float(heldout["accuracy"])
    if not accepted or not accepted.get("heldout"):
        return GateResult(True, f"Held-out accuracy {now:.3f}; no accepted report to compare with, so the gate passes.")
    then = float(accepted["heldout"]["accuracy"])
    floor = then - margin
    if now < floor - 1e-9:
        return GateResult(
            False,
            f"Held-out intent accuracy fell to {now:.3f}, more than {margin:.3f} below the accepted {then:.3f}. "
            "Run `python -m bot.trainer eval` to see which intents got worse and fix their examples; "
            "if the drop is intended (e.g. a new, harder intent), accept the new report with "
            "`python -m bot.trainer accept` and commit reports/nlu_accepted.json.",
        )
    return GateResult(True, f"Held-out intent accuracy {now:.3f} (accepted {then:.3f}, allowed down to {floor:.3f}).")
