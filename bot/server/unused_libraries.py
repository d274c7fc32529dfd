"""Keeps jax and h5py, which our Rasa processes never call, out of them (about 80 MB resident per server).

Both are optional imports of TensorFlow, each wrapped in `except ImportError` with a fallback:
- jax: TensorFlow 2.12 requires it, and `tensorflow.lite` imports it only for
  `TFLiteConverter.experimental_from_jax` (converting a jax function to TF Lite; without jax that
  converter says "Cannot import xla_computation from jax"). Neither Rasa nor we convert to TF Lite.
  66 MB resident and about 0.3 s of start-up.
- h5py: Keras imports it only to save and load models in the HDF5 format; Rasa saves and loads its
  TensorFlow models in TensorFlow's own checkpoint format (`save_format="tf"`), and our pipeline
  has no TensorFlow component. About 12 MB.
A component that really needs one of them (Rasa's LanguageModelFeaturizer through transformers
needs h5py) fails at training with ModuleNotFoundError naming it: remove it from
`UNUSED_LIBRARIES` then. Figures: `bench/memory_bench.py`, docs/deploy.md "Memory".
"""

from __future__ import annotations

import sys
from typing import Tuple

UNUSED_LIBRARIES: Tuple[str, ...] = ("jax", "jaxlib", "h5py")


def keep_out() -> None:
    """Make importing each unused library fail as if it were not installed (ModuleNotFoundError),
    so the optional imports of our dependencies take their fallback; one already loaded stays."""
    for name in UNUSED_LIBRARIES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # None: "not importable", by Python's import rules
