"""The environment a user's shell would give the servers a test starts, without the test run's own traces."""

from __future__ import annotations

import os
from typing import Dict

# Our settings come from each test; jax, imported by TensorFlow inside the pytest process, sets
# TF_CPP_MIN_LOG_LEVEL=1 there, which a user's shell does not have (it would let TensorFlow's
# start-up warnings through the servers' own quiet default).
TEST_RUN_VARIABLES = ("BRIGHTWAY_", "RASA_API_TOKEN", "TF_CPP_MIN_LOG_LEVEL")


def user_environment() -> Dict[str, str]:
    """`os.environ` without our settings and the variables the test process itself picked up."""
    return {name: value for name, value in os.environ.items() if not name.startswith(TEST_RUN_VARIABLES)}
