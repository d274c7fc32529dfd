"""`bot.server.blas_threads` through `bot.server.entry`: `rasa run` gets one OpenBLAS thread, training does not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Dict

import pytest

from bot.server.blas_threads import THREADS_VARIABLE, use_one_thread
from bot.settings import REPO_ROOT

PROBE = """
import json, sys
from bot.server.entry import main
main(["-m", *sys.argv[1:]], run_module=lambda *args, **kwargs: None)
import numpy, threadpoolctl
print(json.dumps([pool["num_threads"] for pool in threadpoolctl.threadpool_info() if pool["internal_api"] == "openblas"]))
"""


def _openblas_threads(*command: str, **extra_env: str) -> list:
    """OpenBLAS thread counts in a fresh process after `entry.main` prepared it for `command`."""
    env = {k: v for k, v in os.environ.items() if k != THREADS_VARIABLE}
    env.update(extra_env)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *command], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


needs_two_cores = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="OpenBLAS uses one thread on one core anyway")


@needs_two_cores
def test_rasa_run_loads_openblas_with_one_thread() -> None:
    threads = _openblas_threads("rasa", "run", "--port", "5005")
    assert threads and set(threads) == {1}


@needs_two_cores
def test_training_keeps_every_core() -> None:
    threads = _openblas_threads("rasa", "train")
    assert threads and max(threads) > 1


def test_an_operators_setting_wins() -> None:
    environ: Dict[str, str] = {THREADS_VARIABLE: "2"}
    use_one_thread(environ)
    assert environ == {THREADS_VARIABLE: "2"}
    fresh: Dict[str, str] = {}
    use_one_thread(fresh)
    assert fresh == {THREADS_VARIABLE: "1"}
