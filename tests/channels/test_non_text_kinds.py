"""How each platform's non-text payloads read for agents: Telegram updates (python-telegram-bot's
models) and Slack file events, translated into `bot.attachments` types."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from telegram import Bot

from bot.attachments import Attachment
from channels.slack.events import from_event
from channels.telegram.updates import UpdateKind, read_update
from tests.fakes import payloads

BOT = Bot("123456:KINDS-token")


def telegram_update(**content: Any) -> Dict[str, Any]:
    return {"update_id": 1, "message": payloads.telegram_message(42, None, **content)}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ({"voice": {"file_id": "AwACAgQ", "file_unique_id": "u1", "duration": 3}},
         Attachment("voice note", note="no link: Telegram file id AwACAgQ")),
        ({"sticker": {"file_id": "CAACAgQ", "file_unique_id": "u2", "width": 512, "height": 512,
                      "is_animated": False, "is_video": False, "type": "regular"}},
         Attachment("sticker", note="no link: Telegram file id CAACAgQ")),
        ({"document": {"file_id": "BQACAgQ", "file_unique_id": "u3", "file_name": "receipt.pdf"}},
         Attachment("document", note="no link: Telegram file id BQACAgQ")),
        ({"photo": [{"file_id": "small", "file_unique_id": "s", "width": 90, "height": 67},
                    {"file_id": "large", "file_unique_id": "l", "width": 1280, "height": 960}]},
         Attachment("photo", note="no link: Telegram file id large")),
        ({"location": {"latitude": 51.5, "longitude": -0.125}},
         Attachment("location", link="https://www.openstreetmap.org/?mlat=51.500000&mlon=-0.125000")),
        ({"photo": [{"file_id": "cap", "file_unique_id": "c", "width": 9, "height": 9}], "caption": "  "},
         Attachment("photo", note="no link: Telegram file id cap")),
    ],
    ids=["voice", "sticker", "document", "largest-photo", "location", "blank-caption"],
)
def test_telegram_attachments_read_as_plain_words(content: Dict[str, Any], expected: Attachment) -> None:
    update = read_update(telegram_update(**content), BOT)

    assert (update.kind, update.attachments) == (UpdateKind.NON_TEXT, (expected,))


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_telegram_text_is_a_non_text_message_without_attachments(text: str) -> None:
    update = read_update({"update_id": 2, "message": payloads.telegram_message(42, text)}, BOT)

    assert (update.kind, update.attachments, update.sender_id) == (UpdateKind.NON_TEXT, (), "telegram:42")


def test_a_telegram_service_message_stays_ignored() -> None:
    pinned = payloads.telegram_message(42, None, pinned_message=payloads.telegram_message(42, "old"))

    assert read_update({"update_id": 3, "message": pinned}, BOT).kind is UpdateKind.IGNORED


def test_slack_files_read_as_plain_words_with_their_permalinks() -> None:
    files = [
        {"id": "F1", "mimetype": "audio/webm", "subtype": "slack_audio", "permalink": "https://s.example/F1"},
        {"id": "F2", "mimetype": "application/pdf", "permalink": "https://s.example/F2"},
    ]
    event = payloads.slack_message_event("EvKinds1", text="", subtype="file_share", files=files)

    inbound = from_event(event, payloads.BOT_USER_ID)

    assert inbound is not None and inbound.message is None and inbound.non_text is not None
    assert inbound.non_text.message.agent_view() == "[voice note] https://s.example/F1 [document] https://s.example/F2"


def test_a_bare_slack_mention_is_an_empty_message() -> None:
    inbound = from_event(payloads.slack_mention_event("EvKinds2", text=""), payloads.BOT_USER_ID)

    assert inbound is not None and inbound.non_text is not None
    assert inbound.non_text.message.attachments == ()
