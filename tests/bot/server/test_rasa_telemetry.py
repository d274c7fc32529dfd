"""`bot.server.rasa_telemetry`: Rasa's telemetry and crash reports are off unless asked for."""

from __future__ import annotations

import logging
import os
import sys
from typing import List, Optional

import pytest
from rasa import telemetry

from bot.server import rasa_telemetry
from bot.server.entry import main


def test_unset_means_off_for_rasa(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(rasa_telemetry.TELEMETRY_VARIABLE, raising=False)
    rasa_telemetry.keep_off()
    assert telemetry.is_telemetry_enabled() is False


def test_an_explicit_choice_is_kept() -> None:
    env = {rasa_telemetry.TELEMETRY_VARIABLE: "true"}
    rasa_telemetry.keep_off(env)
    assert env == {rasa_telemetry.TELEMETRY_VARIABLE: "true"}


def test_every_process_started_through_the_entry_has_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(rasa_telemetry.TELEMETRY_VARIABLE, raising=False)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    previous = logging.getLogRecordFactory()
    seen: List[Optional[str]] = []
    try:
        main(["-m", "json.tool"], run_module=lambda *a, **k: seen.append(os.environ.get(rasa_telemetry.TELEMETRY_VARIABLE)))
    finally:
        logging.setLogRecordFactory(previous)
    assert seen == ["false"]
