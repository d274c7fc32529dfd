"""The suite's wall-clock tests pass at any hour: they run again at 03:00 and 12:00 London time.

Tests marked `wall_clock` start real servers that read the system clock against desk hours, NPS
cooldowns and escalation timers. libfaketime (`faketime`, installed by
scripts/install_system_packages.sh) moves the whole process tree, servers included, to a night
hour when the desk is closed and to midday when it is open, and the marked tests run there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import List
from zoneinfo import ZoneInfo

import pytest

from bot.settings import REPO_ROOT

pytestmark = pytest.mark.slow

LONDON = ZoneInfo("Europe/London")


def faketime_command(hour: int) -> List[str]:
    """A command prefix that runs a program with today's date at `hour`:00 London time, ticking on."""
    faketime = shutil.which("faketime")
    if faketime is None:
        pytest.fail("faketime is missing: run `bash scripts/install_system_packages.sh` (Debian package faketime).")
    start = datetime.now(LONDON).replace(hour=hour, minute=0, second=0, microsecond=0)
    return [faketime, "-f", "@" + start.strftime("%Y-%m-%d %H:%M:%S")]


def simulated_env() -> dict:
    """The environment of a simulated run: London time zone, real monotonic clock (timeouts stay real)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    env.update({"TZ": "Europe/London", "FAKETIME_DONT_FAKE_MONOTONIC": "1"})
    return env


@pytest.mark.parametrize("hour", [3, 12], ids=["03h00-desk-closed", "12h00-desk-open"])
def test_wall_clock_tests_pass_at(hour: int, tmp_path: Path) -> None:
    command, env = faketime_command(hour), simulated_env()
    seen = subprocess.run(
        [*command, sys.executable, "-c", "from datetime import datetime; print(datetime.now().hour)"],
        env=env, capture_output=True, text=True, check=True,
    )
    assert seen.stdout.strip() == str(hour), f"faketime did not move the clock: {seen.stdout!r} {seen.stderr!r}"

    log = tmp_path / "pytest.log"
    with log.open("w", encoding="utf-8") as out:
        run = subprocess.run(
            [*command, sys.executable, "-m", "pytest", "-m", "wall_clock", "-q", "-p", "no:cacheprovider",
             "--basetemp", str(tmp_path / "basetemp")],
            cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=1200,
        )
    output = log.read_text(encoding="utf-8")
    assert run.returncode == 0, f"wall-clock tests failed at {hour:02d}:00 London time:\n{output[-6000:]}"
    assert " passed" in output.splitlines()[-1]
