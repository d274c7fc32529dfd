"""Tests for bot/attachments.py: what agents read in place of a message without text."""

from __future__ import annotations

import pytest

from bot.attachments import Attachment, NonTextMessage, kind_of_media_type, map_link


def test_an_attachment_shows_its_kind_and_link_or_what_to_do_without_one() -> None:
    assert Attachment("photo", link="https://x.example/p.jpg").agent_view() == "[photo] https://x.example/p.jpg"
    assert Attachment("sticker", note="no link: Telegram file id CAAD").agent_view() == "[sticker] (no link: Telegram file id CAAD)"
    assert Attachment("location").agent_view() == "[location]"


def test_a_message_shows_every_attachment_and_an_empty_one_says_so() -> None:
    two = NonTextMessage("sms:+1555", (Attachment("photo", link="https://a"), Attachment("voice note", link="https://b")))

    assert two.agent_view() == "[photo] https://a [voice note] https://b"
    assert two.as_metadata() == [{"kind": "photo", "link": "https://a", "note": None},
                                 {"kind": "voice note", "link": "https://b", "note": None}]
    assert NonTextMessage("sms:+1555").agent_view() == "[empty message]"


@pytest.mark.parametrize(
    ("media_type", "voice", "kind"),
    [("image/jpeg", False, "photo"), ("audio/amr", True, "voice note"), ("audio/mpeg", False, "audio"),
     ("video/mp4", False, "video"), ("text/vcard", False, "contact"), ("application/pdf", False, "document"),
     ("", False, "document")],
)
def test_media_types_read_as_plain_words(media_type: str, voice: bool, kind: str) -> None:
    assert kind_of_media_type(media_type, voice=voice) == kind


def test_a_shared_location_links_to_a_map() -> None:
    assert map_link(51.5, -0.125) == "https://www.openstreetmap.org/?mlat=51.500000&mlon=-0.125000"
