"""The load schedule: every concurrency level for every target, interleaved in rounds.

Each level is split into rounds; in each round every target runs its share of conversations,
starting one target later each round, so drift in the machine's load (other jobs on the same
2 cores) touches every bot alike.
"""

from __future__ import annotations

import itertools
import math
import os
import sys
from dataclasses import dataclass, field
from typing import Dict, Optional, Sequence

from bench.speed.load import LevelResult, Target, run_level


@dataclass(frozen=True)
class LoadPlan:
    """Concurrency levels, conversations per level (in total) and rounds per level."""

    levels: Sequence[int]
    conversations: Dict[int, int]
    rounds: int

    @classmethod
    def build(cls, levels: Sequence[int], single: int, waves: int, minimum: int, rounds: int) -> "LoadPlan":
        """`single` conversations at level 1; elsewhere `waves` x level, at least `minimum`; every
        round gets at least `level` conversations, so the level is really reached."""
        counts = {
            level: max(single if level == 1 else max(minimum, waves * level), rounds * level) for level in levels
        }
        return cls(list(levels), counts, rounds)


@dataclass
class Schedule:
    """What ran: per target and level the merged result, and the load average before each level."""

    results: Dict[str, Dict[int, LevelResult]] = field(default_factory=dict)
    load_averages: Dict[int, float] = field(default_factory=dict)


async def run_schedule(
    targets: Sequence[Target], plan: LoadPlan, script: Sequence[str],
    only_levels: Optional[Dict[str, Sequence[int]]] = None,
) -> Schedule:
    """Run the plan; `only_levels[name]` limits a target (e.g. a diagnostic one) to some levels."""
    only_levels = only_levels or {}
    schedule = Schedule({target.name: {} for target in targets})
    conversation_ids = itertools.count(1)
    for level_index, level in enumerate(plan.levels):
        schedule.load_averages[level] = os.getloadavg()[0]
        taking_part = [t for t in targets if level in only_levels.get(t.name, plan.levels)]
        per_round = math.ceil(plan.conversations[level] / plan.rounds)
        for round_index in range(plan.rounds):
            shift = (level_index + round_index) % len(taking_part)
            for target in [*taking_part[shift:], *taking_part[:shift]]:
                conversations = [next(conversation_ids) for _ in range(per_round)]
                measured = await run_level(target, level, conversations, script)
                merged = schedule.results[target.name].setdefault(level, LevelResult(level))
                merged.latencies.extend(measured.latencies)
                merged.wall_s += measured.wall_s
        print(
            f"  level {level:>2}: "
            + ", ".join(
                f"{t.name} p50 {schedule.results[t.name][level].percentile_ms(0.5):.0f} ms "
                f"{schedule.results[t.name][level].throughput:.0f} msg/s"
                for t in taking_part
            ),
            file=sys.stderr,
        )
    return schedule
