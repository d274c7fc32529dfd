"""Keeps jax, which Rasa never calls, out of our Rasa processes (66 MB resident per server).

TensorFlow 2.12 requires jax and `tensorflow.lite` imports it when it is installed, only for
`TFLiteConverter.experimental_from_jax` (converting a jax function to TF Lite). TensorFlow wraps
that import in `except ImportError` and says "Cannot import xla_computation from jax" only if that
converter is used; Rasa and this project never convert to TF Lite. Loading jax and jaxlib anyway
costs each Rasa process 66 MB of resident memory and about 0.3 s of start-up
(`bench/memory_bench.py`, docs/deploy.md "Memory").
"""

from __future__ import annotations

import sys
from typing import Tuple

UNUSED_LIBRARIES: Tuple[str, ...] = ("jax", "jaxlib")


def keep_out() -> None:
    """Make importing each unused library fail as if it were not installed (ModuleNotFoundError),
    so the optional imports of our dependencies take their fallback; one already loaded stays."""
    for name in UNUSED_LIBRARIES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # None: "not importable", by Python's import rules
