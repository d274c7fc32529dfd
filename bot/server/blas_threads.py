"""One BLAS thread in a serving Rasa process: OpenBLAS's second thread spins, it does not help.

A turn's matrix products are small (the intent classifier's matrix-vector products over a few
dozen intents); OpenBLAS splits them over every core all the same, then its worker thread
busy-waits for the next one. On 2 cores that was 4-7 ms of CPU per message on the second core
while the turn on the event loop's thread took as long as with one thread. The server answers
many conversations on one event loop, so the other core is better left to them (and to a second
instance, Redis or the database). Training keeps OpenBLAS's default.
"""

from __future__ import annotations

import os
from typing import MutableMapping

THREADS_VARIABLE = "OPENBLAS_NUM_THREADS"


def use_one_thread(environ: MutableMapping[str, str] = os.environ) -> None:
    """Ask OpenBLAS for one thread unless the operator set a number; call before numpy is imported."""
    environ.setdefault(THREADS_VARIABLE, "1")
