"""Which misclassified examples a trainer reads after `eval`: every miss of every intent that changed.

A miss is one entry of a report section's `errors` (`text`, `gold`, `predicted`, `confidence`).
An intent changed when a miss involving it (as the right answer or as the wrong guess) appeared
or went away since the accepted report, or when the intent is new; its misses are all listed,
so a fresh intent's problems cannot hide behind a count limit.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Dict, Iterable, List, Mapping, Optional, Set, Tuple

Miss = Mapping[str, Any]
Section = Mapping[str, Any]


def miss_key(miss: Miss) -> Tuple[str, str, str]:
    """What identifies a miss across reports: its text, its right intent and the model's guess."""
    return str(miss["text"]), str(miss["gold"]), str(miss["predicted"])


def misses(section: Optional[Section]) -> List[Miss]:
    """The misses a report section recorded (none when the section or its errors are missing)."""
    return list((section or {}).get("errors") or [])


def new_misses(latest: Section, accepted: Optional[Section]) -> List[Miss]:
    """Misses in `latest` that the accepted report did not have (every miss when there is no accepted one)."""
    before = {miss_key(miss) for miss in misses(accepted)}
    return [miss for miss in misses(latest) if miss_key(miss) not in before]


def fixed_misses(latest: Section, accepted: Optional[Section]) -> List[Miss]:
    """Misses of the accepted report that `latest` no longer has."""
    now = {miss_key(miss) for miss in misses(latest)}
    return [miss for miss in misses(accepted) if miss_key(miss) not in now]


def intents_of(items: Iterable[Miss]) -> Set[str]:
    """Every intent a miss involves, as the right answer or as the model's guess."""
    return {str(miss[role]) for miss in items for role in ("gold", "predicted")}


def changed_intents(latest: Section, accepted: Optional[Section]) -> List[str]:
    """Intents with a miss that appeared or went away, and intents new since the accepted report."""
    changed = intents_of(new_misses(latest, accepted)) | intents_of(fixed_misses(latest, accepted))
    before = set((accepted or {}).get("per_intent") or {})
    if accepted:
        changed |= {intent for intent, scores in (latest.get("per_intent") or {}).items()
                    if intent not in before and scores.get("support")}
    return sorted(changed)


def confusion_counts(items: Iterable[Miss]) -> Counter:
    """How often each (right intent, wrong guess) pair occurs."""
    return Counter((str(miss["gold"]), str(miss["predicted"])) for miss in items)


def miss_line(miss: Miss, new: bool) -> str:
    """`* gold -> predicted 0.61: text` (the star marks a miss new since the accepted report)."""
    return f"{'*' if new else ' '} {miss['gold']} -> {miss['predicted']} {float(miss['confidence']):.2f}: {miss['text']}"


def describe_misses(label: str, latest: Section, accepted: Optional[Section], every_intent: bool = False) -> List[str]:
    """Per intent that changed (or every intent), all its misses: the ones it lost, the ones it took,
    and the accepted report's misses it now gets right."""
    all_misses = misses(latest)
    intents = sorted(intents_of(all_misses)) if every_intent else changed_intents(latest, accepted)
    scope = "every intent" if every_intent else "intents that changed since the accepted report"
    lines = [f"misses of {scope} ({label}; gold -> predicted confidence: text; * = new):"]
    if not intents:
        return lines + ["  none"]
    fresh = {miss_key(miss) for miss in new_misses(latest, accepted)} if accepted else set()
    fixed = fixed_misses(latest, accepted)
    scores: Dict[str, Any] = dict(latest.get("per_intent") or {})
    for intent in intents:
        lost = [m for m in all_misses if m["gold"] == intent]
        taken = [m for m in all_misses if m["predicted"] == intent]
        support = (scores.get(intent) or {}).get("support", 0)
        lines.append(f"  {intent}: {len(lost)} of {support} missed, {len(taken)} taken from other intents")
        lines += [f"    missed {miss_line(m, miss_key(m) in fresh)}" for m in lost]
        lines += [f"    took   {miss_line(m, miss_key(m) in fresh)}" for m in taken]
        lines += [f"    right now, missed before: {m['gold']} -> {m['predicted']}: {m['text']}"
                  for m in fixed if intent in (m["gold"], m["predicted"])]
    return lines
