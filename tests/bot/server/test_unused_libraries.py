"""`bot.server.unused_libraries`: our Rasa processes load TensorFlow without jax, and TF Lite still imports."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.settings import REPO_ROOT

# Runs the entry's start-up steps for `rasa run` (they load Rasa and TensorFlow), not the server.
RASA_START_UP = """
import sys
from bot.server.entry import main

main(["-m", "rasa", "run"], run_module=lambda *args, **kwargs: None)
import tensorflow as tf

print(sys.modules["jax"], sys.modules["jaxlib"], "tensorflow" in sys.modules, tf.lite.TFLiteConverter.__name__)
"""
PLAIN_IMPORT = "import sys, tensorflow; print('jax' in sys.modules)"


def run_python(code: str) -> str:
    """Standard output of `code` run by this interpreter from the repository root."""
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True, timeout=120
    ).stdout.strip()


@pytest.mark.slow
def test_the_rasa_start_up_loads_tensorflow_without_jax() -> None:
    if run_python(PLAIN_IMPORT) != "True":
        pytest.skip("jax is not installed here, so TensorFlow does not load it anyway")

    assert run_python(RASA_START_UP).splitlines()[-1] == "None None True TFLiteConverterV2"
