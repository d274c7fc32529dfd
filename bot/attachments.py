"""What a customer's message without text held (photo, voice note, sticker…), in words an agent reads.

Channels translate each platform's payload into these plain types; the rules in
`bot.handoff.non_text_messages` and the agents' view ("[photo] https://…") work only on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

PHOTO = "photo"
VOICE_NOTE = "voice note"
AUDIO = "audio"
VIDEO = "video"
STICKER = "sticker"
DOCUMENT = "document"
LOCATION = "location"
CONTACT = "contact"
EMPTY_MESSAGE = "empty message"


@dataclass(frozen=True)
class Attachment:
    """One thing the customer sent instead of text: its kind in plain words and, if any, a link.

    `note` says what an agent can do when the platform gives no link (e.g. a Telegram file id).
    """

    kind: str
    link: Optional[str] = None
    note: Optional[str] = None

    def agent_view(self) -> str:
        """"[photo] https://…", "[sticker] (no link: …)" or just "[location]"."""
        label = f"[{self.kind}]"
        if self.link:
            return f"{label} {self.link}"
        if self.note:
            return f"{label} ({self.note})"
        return label

    def as_metadata(self) -> Dict[str, Any]:
        """The attachment as JSON-ready metadata for the conversation's record."""
        return {"kind": self.kind, "link": self.link, "note": self.note}


@dataclass(frozen=True)
class NonTextMessage:
    """A message with no text to read: its attachments, none at all for an empty message."""

    conversation_id: str
    attachments: Tuple[Attachment, ...] = ()

    def agent_view(self) -> str:
        """What agents see in place of text: each attachment's view, or "[empty message]"."""
        if not self.attachments:
            return f"[{EMPTY_MESSAGE}]"
        return " ".join(attachment.agent_view() for attachment in self.attachments)

    def as_metadata(self) -> List[Dict[str, Any]]:
        """Every attachment as metadata (an empty list for an empty message)."""
        return [attachment.as_metadata() for attachment in self.attachments]


def kind_of_media_type(media_type: str, voice: bool = False) -> str:
    """Plain words for a MIME type such as "image/jpeg"; `voice` marks recorded audio as a voice note."""
    major = media_type.split("/", 1)[0].strip().lower()
    if major == "image":
        return PHOTO
    if major == "audio":
        return VOICE_NOTE if voice else AUDIO
    if major == "video":
        return VIDEO
    if media_type.strip().lower() in ("text/vcard", "text/x-vcard"):
        return CONTACT
    return DOCUMENT


def map_link(latitude: float, longitude: float) -> str:
    """A link that shows a shared location on a map, for agents."""
    return f"https://www.openstreetmap.org/?mlat={latitude:.6f}&mlon={longitude:.6f}"

