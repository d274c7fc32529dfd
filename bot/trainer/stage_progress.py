"""Progress of a long command, stage by stage with elapsed time, for trainers watching a terminal."""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator, Optional, TextIO


class StageProgress:
    """Prints `[2/5] title ...` when a stage starts and `done in 12.3 s` when it ends.

    A stage started with `heartbeat=` seconds also prints `... still running (45 s)` that often,
    so a quiet training step does not look hung. The clock is injectable for tests.
    """

    def __init__(self, total: int, out: TextIO = sys.stdout, clock: Callable[[], float] = time.monotonic) -> None:
        """Count stages up to `total`, printing to `out`."""
        self.total = total
        self.out = out
        self.clock = clock
        self.number = 0
        self.started = clock()

    def say(self, text: str) -> None:
        """Print one indented line under the current stage."""
        print(f"      {text}", file=self.out, flush=True)

    @contextmanager
    def stage(self, title: str, heartbeat: Optional[float] = None) -> Iterator[None]:
        """Announce a stage, time it, and report how long it took (also when it fails)."""
        self.number += 1
        began = self.clock()
        print(f"[{self.number}/{self.total}] {title} ...", file=self.out, flush=True)
        stop = threading.Event()
        beat = None
        if heartbeat:
            beat = threading.Thread(target=self._beat, args=(began, heartbeat, stop), daemon=True)
            beat.start()
        outcome = "failed after"
        try:
            yield
            outcome = "done in"
        finally:
            stop.set()
            if beat is not None:
                beat.join()
            now = self.clock()
            self.say(f"{outcome} {now - began:.1f} s (total {now - self.started:.1f} s)")

    def _beat(self, began: float, interval: float, stop: threading.Event) -> None:
        """Print a still-working line every `interval` seconds until `stop` is set."""
        while not stop.wait(interval):
            self.say(f"... still running ({self.clock() - began:.0f} s)")
