"""The bench's results: one table with ratios and targets, a latency-vs-concurrency table, a plot."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from bench.speed.accuracy import Accuracy
from bench.speed.bots import Training
from bench.speed.load import LevelResult

MB = 1024 * 1024
TARGET_P50_MS = 15.0
TARGET_TRAIN_S = 30.0
TARGET_ACCURACY = 0.90
TARGET_THROUGHPUT_VS_DEFAULT = 4.0
TARGET_P50_VS_LIGHT = 1.3  # issue 15
TARGET_THROUGHPUT_VS_LIGHT = 0.8  # issue 15
TARGET_ALL_PROCESSES_MB = 647.0  # issue 15: no more than with the action server before
THROUGHPUT_LEVEL = 20


@dataclass
class BotResult:
    """Everything measured for one bot (or one way of serving it)."""

    name: str
    label: str
    training: Optional[Training] = None
    levels: Dict[int, LevelResult] = field(default_factory=dict)
    memory: Dict[str, int] = field(default_factory=dict)
    accuracy: Optional[Accuracy] = None
    accuracy_note: str = ""

    def p(self, share: float, level: int = 1) -> float:
        """Latency percentile in ms at `level` concurrent conversations (NaN if not measured)."""
        result = self.levels.get(level)
        return result.percentile_ms(share) if result else float("nan")

    def throughput(self, level: int = THROUGHPUT_LEVEL) -> float:
        """Turns per second at `level` concurrent conversations (NaN if not measured)."""
        result = self.levels.get(level)
        return result.throughput if result else float("nan")


@dataclass
class Figure:
    """One row of the main table: how to read it from a result, how to print it, whether lower is better."""

    title: str
    read: Callable[[BotResult], float]
    digits: int
    lower_is_better: bool


def figures() -> List[Figure]:
    """The rows of the main table."""
    return [
        Figure("train, cold (s)", lambda r: r.training.seconds if r.training else math.nan, 1, True),
        Figure("p50 latency, 1 conversation (ms)", lambda r: r.p(0.50), 1, True),
        Figure("p95 latency, 1 conversation (ms)", lambda r: r.p(0.95), 1, True),
        Figure("p99 latency, 1 conversation (ms)", lambda r: r.p(0.99), 1, True),
        Figure(f"throughput, {THROUGHPUT_LEVEL} conversations (msg/s)", lambda r: r.throughput(), 1, False),
        Figure(f"p50 latency, {THROUGHPUT_LEVEL} conversations (ms)", lambda r: r.p(0.50, THROUGHPUT_LEVEL), 0, True),
        Figure("RSS per Rasa instance (MB)", lambda r: r.memory.get("rasa_per_instance", math.nan) / MB, 0, True),
        Figure("RSS all server processes (MB)", lambda r: r.memory.get("total", math.nan) / MB, 0, True),
        Figure("intent accuracy, intents_dev.csv", lambda r: r.accuracy.accuracy if r.accuracy else math.nan, 3, False),
    ]


def main_table(results: Sequence[BotResult], references: Sequence[str], ours: Sequence[str]) -> str:
    """Figures as rows, bots as columns, then `ours / reference` ratios for every pair."""
    by_name = {result.name: result for result in results}
    pairs = [(o, r) for o in ours for r in references if o in by_name and r in by_name]
    header = ["figure", *(by_name[name].label for name in [*references, *ours] if name in by_name)]
    header += [f"{by_name[o].label} / {by_name[r].label}" for o, r in pairs]
    lines = ["| " + " | ".join(header) + " |", "| --- " + "| ---: " * (len(header) - 1) + "|"]
    for figure in figures():
        cells = [figure.title]
        for name in [*references, *ours]:
            if name in by_name:
                cells.append(_number(figure.read(by_name[name]), figure.digits, by_name[name], figure))
        for o, r in pairs:
            cells.append(_ratio(figure.read(by_name[o]), figure.read(by_name[r])))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def concurrency_table(results: Sequence[BotResult]) -> str:
    """p50 / p95 latency and throughput at every measured concurrency."""
    levels = sorted({level for result in results for level in result.levels})
    header = ["bot", *[f"{c} conv: p50 / p95 ms, msg/s" for c in levels]]
    lines = ["| " + " | ".join(header) + " |", "| --- " + "| ---: " * len(levels) + "|"]
    for result in results:
        cells = [result.label]
        for level in levels:
            measured = result.levels.get(level)
            cells.append(
                f"{measured.percentile_ms(0.5):.0f} / {measured.percentile_ms(0.95):.0f}, {measured.throughput:.1f}"
                if measured else "-"
            )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def target_lines(results: Sequence[BotResult], ours: Sequence[str]) -> List[str]:
    """Issue 7's and issue 15's targets for each way of serving ours: met or not, with the figure."""
    by_name = {result.name: result for result in results}
    default, light = by_name.get("default"), by_name.get("light")
    lines = []
    for name in ours:
        result = by_name.get(name)
        if result is None:
            continue
        checks = [
            ("p50 <= 15 ms through the adapter", result.p(0.5), result.p(0.5) <= TARGET_P50_MS, "ms"),
            (
                "throughput at 20 >= 4x default",
                result.throughput() / default.throughput() if default else math.nan,
                bool(default) and result.throughput() >= TARGET_THROUGHPUT_VS_DEFAULT * default.throughput(),
                "x",
            ),
            (
                "throughput at 20 >= light",
                result.throughput() / light.throughput() if light else math.nan,
                bool(light) and result.throughput() >= light.throughput(),
                "x",
            ),
            (
                "train <= 30 s",
                result.training.seconds if result.training else math.nan,
                bool(result.training) and result.training.seconds <= TARGET_TRAIN_S,
                "s",
            ),
            (
                "intent accuracy >= 0.90",
                result.accuracy.accuracy if result.accuracy else math.nan,
                bool(result.accuracy) and result.accuracy.accuracy >= TARGET_ACCURACY,
                "",
            ),
        ]
        checks += _issue_15_checks(result, light)
        for title, value, met, unit in checks:
            shown = "n/a" if math.isnan(value) else f"{value:.3g}{unit}"
            lines.append(f"- {result.label}: {title}: {shown} -> {'MET' if met else 'NOT MET'}")
    return lines


def _issue_15_checks(result: BotResult, light: Optional[BotResult]) -> List[Tuple[str, float, bool, str]]:
    """Issue 15 ("a lean reply path"): p50 and throughput against the light config, memory of all
    server processes of one instance."""
    p50_ratio = result.p(0.5) / light.p(0.5) if light else math.nan
    throughput_ratio = result.throughput() / light.throughput() if light else math.nan
    all_mb = result.memory.get("total", math.nan) / MB
    checks = [
        ("p50 <= 1.3x light (issue 15)", p50_ratio, p50_ratio <= TARGET_P50_VS_LIGHT, "x"),
        ("throughput at 20 >= 0.8x light (issue 15)", throughput_ratio, throughput_ratio >= TARGET_THROUGHPUT_VS_LIGHT, "x"),
    ]
    if result.name == "ours":
        checks.append(("RSS all server processes <= 647 MB (issue 15)", all_mb, all_mb <= TARGET_ALL_PROCESSES_MB, " MB"))
    return checks


def plot(results: Sequence[BotResult], path: Path, subtitle: str) -> None:
    """Save p50 (solid) and p95 (dashed) latency against concurrency for every bot as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 5), dpi=120)
    for index, result in enumerate(results):
        levels = sorted(result.levels)
        if not levels:
            continue
        colour = f"C{index}"
        axes.plot(levels, [result.p(0.5, c) for c in levels], "o-", color=colour, label=f"{result.label} p50")
        axes.plot(levels, [result.p(0.95, c) for c in levels], "s--", color=colour, label=f"{result.label} p95")
    axes.axhline(TARGET_P50_MS, color="grey", linewidth=0.8, linestyle=":", label="15 ms target (p50, 1 conv.)")
    axes.set_xscale("log")
    axes.set_yscale("log")
    levels = sorted({level for result in results for level in result.levels})
    axes.set_xticks(levels)
    axes.set_xticklabels([str(level) for level in levels])
    axes.set_xlabel("concurrent conversations")
    axes.set_ylabel("reply latency (ms, log scale)")
    axes.set_title(f"Reply latency vs concurrency\n{subtitle}", fontsize=10)
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=7, ncol=2)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)


def _number(value: float, digits: int, result: BotResult, figure: Figure) -> str:
    if math.isnan(value):
        if figure.title.startswith("intent accuracy") and result.accuracy_note:
            return result.accuracy_note
        return "n/a"
    text = f"{value:.{digits}f}"
    if figure.title.startswith("train") and result.training and result.training.reused:
        text += " (earlier run)"
    return text


def _ratio(ours: float, reference: float) -> str:
    if math.isnan(ours) or math.isnan(reference) or reference == 0:
        return "n/a"
    return f"{ours / reference:.2f}"
