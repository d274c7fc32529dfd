"""Rasa's telemetry and crash reports stay off unless the operator turns them on.

Rasa 3.6 sends usage events and, when a command fails, a crash report to Sentry, whenever
`RASA_TELEMETRY_ENABLED` is unset and `~/.config/rasa/global.yml` says yes (its default after the
first run). A crash report of a customer-service bot can carry customer text, and on a machine
without internet every failed training waits on six retries to sentry.io. Every process of ours
that runs Rasa calls `keep_off()` first; an explicit `RASA_TELEMETRY_ENABLED=true` is respected.
"""

from __future__ import annotations

import os
from typing import MutableMapping, Optional

TELEMETRY_VARIABLE = "RASA_TELEMETRY_ENABLED"


def keep_off(env: Optional[MutableMapping[str, str]] = None) -> None:
    """Set `RASA_TELEMETRY_ENABLED=false` in `env` (default: this process) unless it is set already."""
    (os.environ if env is None else env).setdefault(TELEMETRY_VARIABLE, "false")
