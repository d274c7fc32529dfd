"""Tests for actions/feedback.py with real services on a SQLite file."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from actions.feedback import ActionRecordFeedback
from bot.services import Services
from tests.builders import ODD_TEXT_IDS, ODD_TEXTS, run_action, tracker_for_message


@pytest.mark.parametrize("text", ["The new app is great, but the checkout is slow", *ODD_TEXTS],
                         ids=["plain", *ODD_TEXT_IDS])
def test_feedback_is_stored_word_for_word_and_acknowledged(
    services: Services, domain_dict: Dict[str, Any], text: str
) -> None:
    tracker = tracker_for_message(text, "feedback", sender_id="c-3", channel="telegram")

    outcome = run_action(ActionRecordFeedback(services), tracker, domain_dict)

    assert outcome.responses == ["utter_feedback_thanks"]
    assert outcome.events == []
    assert services.feedback.for_conversation("c-3") == [text]
