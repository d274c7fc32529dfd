"""Confusion matrices of intent predictions, counted and drawn as a PNG with matplotlib."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import List, Sequence, Tuple


@dataclass(frozen=True)
class ConfusionMatrix:
    """`counts[i][j]`: how many messages of gold intent `labels[i]` were predicted as `labels[j]`."""

    title: str
    labels: Tuple[str, ...]
    counts: Tuple[Tuple[int, ...], ...]


def confusion_matrix(title: str, gold: Sequence[str], predicted: Sequence[str]) -> ConfusionMatrix:
    """Count (gold, predicted) pairs over every label that is gold or predicted, sorted by name."""
    labels = tuple(sorted(set(gold) | set(predicted)))
    index = {label: position for position, label in enumerate(labels)}
    counts = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted):
        counts[index[g]][index[p]] += 1
    return ConfusionMatrix(title, labels, tuple(tuple(row) for row in counts))


def save_png(matrices: List[ConfusionMatrix], path: Path) -> Path:
    """Draw each matrix side by side, cells coloured by share of the gold row, counts written in."""
    import matplotlib

    matplotlib.use("Agg")
    logging.getLogger("matplotlib").setLevel(logging.ERROR)
    import matplotlib.pyplot as plt

    size = max(len(m.labels) for m in matrices) * 0.38 + 3
    figure, axes = plt.subplots(1, len(matrices), figsize=(size * len(matrices), size), squeeze=False)
    for axis, matrix in zip(axes[0], matrices):
        shares = [[count / max(sum(row), 1) for count in row] for row in matrix.counts]
        axis.imshow(shares, cmap="Blues", vmin=0, vmax=1)
        ticks = range(len(matrix.labels))
        axis.set_xticks(ticks, labels=matrix.labels, rotation=90, fontsize=7)
        axis.set_yticks(ticks, labels=matrix.labels, fontsize=7)
        axis.set_xlabel("predicted intent")
        axis.set_ylabel("true intent")
        axis.set_title(matrix.title, fontsize=9)
        for row, counts in enumerate(matrix.counts):
            for column, count in enumerate(counts):
                if count:
                    colour = "white" if shares[row][column] > 0.5 else ("black" if row == column else "red")
                    axis.text(column, row, str(count), ha="center", va="center", fontsize=6, color=colour)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(figure)
    return path
