"""Tests for bot/trainer/stage_progress.py: stage lines with elapsed time, on a hand-moved clock."""

from __future__ import annotations

import io
import threading

import pytest

from bot.trainer.stage_progress import StageProgress


class SteppingClock:
    """A clock that moves on by `step` seconds each time it is read."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step
        self.lock = threading.Lock()

    def __call__(self) -> float:
        with self.lock:
            self.now += self.step
            return self.now


def test_stages_are_numbered_and_timed() -> None:
    out = io.StringIO()
    progress = StageProgress(2, out, SteppingClock(1.5))
    with progress.stage("Splitting"):
        progress.say("200 held out")
    with progress.stage("Training"):
        pass
    assert out.getvalue().splitlines() == [
        "[1/2] Splitting ...",
        "      200 held out",
        "      done in 1.5 s (total 3.0 s)",
        "[2/2] Training ...",
        "      done in 1.5 s (total 6.0 s)",
    ]


def test_a_failing_stage_says_so_and_the_error_goes_on() -> None:
    out = io.StringIO()
    progress = StageProgress(1, out, SteppingClock(2.0))
    with pytest.raises(RuntimeError):
        with progress.stage("Training"):
            raise RuntimeError("boom")
    assert "failed after 2.0 s" in out.getvalue()


def test_heartbeat_reports_a_long_stage_until_it_ends() -> None:
    out = io.StringIO()
    progress = StageProgress(1, out, SteppingClock(10.0))
    finished = threading.Event()
    with progress.stage("Training on the rest", heartbeat=0.01):
        finished.wait(0.2)
    lines = out.getvalue().splitlines()
    assert any(line.startswith("      ... still running (") for line in lines)
    assert lines[-1].startswith("      done in")
