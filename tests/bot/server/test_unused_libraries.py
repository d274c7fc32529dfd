"""`bot.server.unused_libraries`: our Rasa processes load TensorFlow without jax and h5py, and TF Lite
and Keras saving still import."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.settings import REPO_ROOT

# Runs the entry's start-up steps for `rasa run` (they load Rasa and TensorFlow), not the server;
# then saves and loads weights the way Rasa's TensorFlow models do (`save_format="tf"`).
RASA_START_UP = """
import sys, tempfile
from bot.server.entry import main

main(["-m", "rasa", "run"], run_module=lambda *args, **kwargs: None)
import tensorflow as tf

model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
with tempfile.TemporaryDirectory() as folder:
    model.save_weights(folder + "/weights", save_format="tf")
    model.load_weights(folder + "/weights")
print(sys.modules["jax"], sys.modules["jaxlib"], sys.modules["h5py"], tf.lite.TFLiteConverter.__name__)
"""
PLAIN_IMPORT = "import sys, tensorflow; print('jax' in sys.modules, 'h5py' in sys.modules)"


def run_python(code: str) -> str:
    """Standard output of `code` run by this interpreter from the repository root."""
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True, timeout=120
    ).stdout.strip()


@pytest.mark.slow
def test_the_rasa_start_up_loads_tensorflow_without_jax_and_h5py() -> None:
    if run_python(PLAIN_IMPORT) != "True True":
        pytest.skip("jax or h5py is not installed here, so TensorFlow does not load it anyway")

    assert run_python(RASA_START_UP).splitlines()[-1] == "None None None TFLiteConverterV2"
