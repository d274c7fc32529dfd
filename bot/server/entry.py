"""`python -m bot.server.entry -m MODULE ARGS...`: run one of our processes with our start-up steps.

`python -m bot run` starts every process this way (Rasa, which runs the custom actions, the desk,
the review app, a separate action server when asked for, and Rasa's training). It runs MODULE
exactly as `python -m MODULE ARGS...` would, after the start-up steps every process of ours needs:
log records are cleaned of customer data (`bot.server.log_privacy`); library loggers and warnings are
quiet at the default level (`bot.server.library_logging`); for Rasa, custom-action answers are checked
with a validator built once (`bot.server.answer_check`), calls to the server's own action gateway
skip HTTP (`bot.server.direct_action_calls`), event classes are found by name in an index
(`bot.server.event_types`), prediction graphs run node after node without dask's scheduler
(`bot.server.graph_runner`), the empty-domain check compares with an empty domain built once
(`bot.server.empty_domain`), the policies' dialogue states are replayed once per conversation turn
and extended as events arrive (`bot.server.dialogue_states`), RulePolicy's rule lookup stops at the
longest rule still matching (`bot.server.rule_lookup`), debug-line arguments are deep-copied only
when debug lines are written (`bot.server.debug_log_copies`), jax and h5py, which TensorFlow would
import for nothing Rasa uses, stay out (`bot.server.unused_libraries`), `rasa run` does its
matrix products on one BLAS thread (`bot.server.blas_threads`), and Rasa's "could not create
tables" when two instances start together is logged as the note it is
(`bot.server.concurrent_table_creation`), Rasa's telemetry and crash reports are off unless
asked for (`bot.server.rasa_telemetry`), each conversation's tracker stays in memory between its
turns while the database holds nothing newer (`bot.server.kept_trackers`), and the loaded model is
frozen out of the garbage collector's full collections (`bot.server.frozen_startup_heap`).
"""

from __future__ import annotations

import importlib
import runpy
import sys
from typing import Any, Callable, List, Optional

from bot.server import blas_threads
from bot.server import library_logging
from bot.server import log_privacy
from bot.server import rasa_telemetry


# Start-up patches that make Rasa's turns cheaper and change none of its predictions or replies;
# the latency profile (bench/speed/latency_profile.py) installs the same ones to profile the server
# as deployed.
PREDICTION_PATCHES = (
    "event_types", "empty_domain", "dialogue_states", "rule_lookup", "debug_log_copies", "kept_trackers",
)


def install_prediction_patches() -> None:
    """Install `PREDICTION_PATCHES` (each idempotent); imported here, after `unused_libraries.keep_out`."""
    for name in PREDICTION_PATCHES:
        importlib.import_module(f"bot.server.{name}").install()


def main(argv: Optional[List[str]] = None, run_module: Callable[..., Any] = runpy.run_module) -> int:
    """Install the start-up steps, then run MODULE with ARGS as its command line."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2 or args[0] != "-m":
        print("usage: python -m bot.server.entry -m rasa run [rasa options]", file=sys.stderr)
        return 2
    if args[1:3] == ["rasa", "run"]:
        blas_threads.use_one_thread()  # before anything imports numpy
    rasa_telemetry.keep_off()
    log_privacy.install()
    library_logging.quiet()
    if args[1] == "rasa":
        from bot.server import unused_libraries

        unused_libraries.keep_out()  # before the imports below load Rasa and TensorFlow
        from bot.server import answer_check as action_answer_check
        from bot.server import concurrent_table_creation
        from bot.server import direct_action_calls
        from bot.server import encode_ahead
        from bot.server import frozen_startup_heap
        from bot.server import graph_runner

        action_answer_check.install()
        direct_action_calls.install()
        graph_runner.install()
        encode_ahead.install()
        install_prediction_patches()
        concurrent_table_creation.install()
        frozen_startup_heap.install()
    sys.argv = [args[1], *args[2:]]
    run_module(args[1], run_name="__main__", alter_sys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
