"""Tests for bot/library_log.py: library warnings of the trainer's commands land in the log, not the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from bot.library_log import library_output_to


def test_warnings_stderr_and_child_processes_go_to_the_log(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "var" / "trainer.log"
    with library_output_to(log, ["eval", "--heldout-only"]):
        warnings.warn("a library is deprecated", DeprecationWarning, stacklevel=1)
        print("python stderr line", file=sys.stderr)
        os.write(2, b"c++ library line\n")
        subprocess.run([sys.executable, "-c", "import sys; print('child stderr line', file=sys.stderr)"], check=True)
        print("the report")
    terminal = capfd.readouterr()
    written = log.read_text()
    for line in ("a library is deprecated", "python stderr line", "c++ library line", "child stderr line"):
        assert line in written
        assert line not in terminal.err + terminal.out
    assert "the report" in terminal.out
    assert "python -m bot.trainer eval --heldout-only" in written


def test_stderr_is_back_on_the_terminal_afterwards_even_after_an_error(
    tmp_path: Path, capfd: pytest.CaptureFixture[str],
) -> None:
    log = tmp_path / "trainer.log"
    with pytest.raises(RuntimeError):
        with library_output_to(log, ["eval"]):
            raise RuntimeError("boom")
    print("after the command", file=sys.stderr)
    assert "after the command" in capfd.readouterr().err
    with library_output_to(log, ["eval"]):
        pass
    assert log.read_text().count("python -m bot.trainer eval") == 2, "each run appends its own header"
