"""Tests for bot/handoff/desk_notice.py: the log desk's JSON-lines notices."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bot.handoff.desk_notice import LogDesk
from bot.handoff.store import OPEN, Handoff
from tests.builders import WEDNESDAY_NOON

SECRET_WORDS = "my card number is 4111 1111 1111 1111"


def handoff(handoff_id: str = "H-AAAA2222") -> Handoff:
    """A freshly opened handoff whose transcript holds the customer's words."""
    return Handoff(
        id=handoff_id,
        conversation_id="c-1",
        channel="telegram",
        customer="Ann",
        reason="frustration",
        frustration_score=0.875,
        signals=("complaint",),
        status=OPEN,
        created_at=WEDNESDAY_NOON,
        transcript=[{"role": "customer", "text": SECRET_WORDS}, {"role": "bot", "text": "Sorry"}],
    )


def test_each_handoff_appends_one_notice_line(tmp_path: Path) -> None:
    outbox = tmp_path / "nested" / "desk.jsonl"  # the folder is created on first use
    desk = LogDesk(outbox)

    desk.notify_handoff(handoff("H-AAAA2222"))
    desk.notify_handoff(handoff("H-BBBB3333"))

    notices = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]
    assert [notice["handoff_id"] for notice in notices] == ["H-AAAA2222", "H-BBBB3333"]
    assert notices[0] == {
        "handoff_id": "H-AAAA2222",
        "conversation_id": "c-1",
        "channel": "telegram",
        "reason": "frustration",
        "frustration_score": 0.875,
        "created_at": "2026-11-25T12:00:00+00:00",
        "transcript_lines": 2,
    }


def test_customer_words_stay_out_of_the_log_and_the_notice(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    outbox = tmp_path / "desk.jsonl"

    with caplog.at_level(logging.INFO, logger="bot.handoff.desk_notice"):
        LogDesk(outbox).notify_handoff(handoff())

    assert "H-AAAA2222" in caplog.text
    assert SECRET_WORDS not in caplog.text
    assert SECRET_WORDS not in outbox.read_text(encoding="utf-8")
