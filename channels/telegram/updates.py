"""Translate a Telegram webhook update (parsed with `Update.de_json`) into what the bot should do."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Dict, Optional, Tuple

from telegram import Bot, Location, Message, Update, User, Venue
from telegram.constants import ChatType, MessageAttachmentType

from bot import attachments
from bot.attachments import Attachment
from channels.request_body import RequestRejected

CHANNEL = "telegram"
START_PAYLOAD = "/greet"
ATTACHMENT_KINDS = {
    MessageAttachmentType.PHOTO: attachments.PHOTO,
    MessageAttachmentType.VOICE: attachments.VOICE_NOTE,
    MessageAttachmentType.VIDEO_NOTE: "video note",
    MessageAttachmentType.STICKER: attachments.STICKER,
    MessageAttachmentType.DOCUMENT: attachments.DOCUMENT,
    MessageAttachmentType.AUDIO: attachments.AUDIO,
    MessageAttachmentType.VIDEO: attachments.VIDEO,
    MessageAttachmentType.ANIMATION: "GIF",
    MessageAttachmentType.CONTACT: attachments.CONTACT,
    MessageAttachmentType.LOCATION: attachments.LOCATION,
    MessageAttachmentType.VENUE: attachments.LOCATION,
}


class UpdateKind(Enum):
    """What an update asks of us."""

    TEXT = "text"
    BUTTON = "button"
    NON_TEXT = "non_text"
    IGNORED = "ignored"


@dataclass(frozen=True)
class TelegramUpdate:
    """An update reduced to our own terms; `text` is the button's callback data for BUTTON,
    `attachments` what a NON_TEXT message held (none for an empty one)."""

    update_id: int
    kind: UpdateKind
    sender_id: str = ""
    chat_id: int = 0
    text: str = ""
    callback_query_id: Optional[str] = None
    metadata: Optional[Dict[str, Any]] = None
    attachments: Tuple[Attachment, ...] = ()


def sender_id_for_chat(chat_id: int) -> str:
    """Our conversation id for a private Telegram chat."""
    return f"{CHANNEL}:{chat_id}"


def read_update(data: Dict[str, Any], bot: Bot) -> TelegramUpdate:
    """Parse `data` with python-telegram-bot; malformed updates are rejected with 400."""
    try:
        update = Update.de_json(data, bot)
    except Exception:  # whatever python-telegram-bot cannot build from untrusted JSON is a bad request
        raise RequestRejected(400, "body is not a Telegram update") from None
    if update is None or not isinstance(update.update_id, int):
        raise RequestRejected(400, "body is not a Telegram update")
    if update.callback_query is not None:
        return _button_press(update)
    if update.message is not None:
        return _new_message(update.update_id, update.message)
    return TelegramUpdate(update.update_id, UpdateKind.IGNORED)


def _button_press(update: Update) -> TelegramUpdate:
    query = update.callback_query
    message = query.message
    if not query.data or message is None or message.chat.type != ChatType.PRIVATE:
        return TelegramUpdate(update.update_id, UpdateKind.IGNORED, callback_query_id=query.id)
    return TelegramUpdate(
        update_id=update.update_id,
        kind=UpdateKind.BUTTON,
        sender_id=sender_id_for_chat(message.chat.id),
        chat_id=message.chat.id,
        text=query.data,
        callback_query_id=query.id,
        metadata=_customer(query.from_user, message.chat.id),
    )


def _new_message(update_id: int, message: Message) -> TelegramUpdate:
    author = message.from_user
    if message.chat.type != ChatType.PRIVATE or author is None or author.is_bot:
        return TelegramUpdate(update_id, UpdateKind.IGNORED)
    common = {
        "update_id": update_id,
        "sender_id": sender_id_for_chat(message.chat.id),
        "chat_id": message.chat.id,
        "metadata": _customer(author, message.chat.id),
    }
    text = _command_to_text(message.text or message.caption or "")
    if text:
        return TelegramUpdate(kind=UpdateKind.TEXT, text=text, **common)
    attachment = _attachment(message)
    if attachment is not None:
        return TelegramUpdate(kind=UpdateKind.NON_TEXT, attachments=(attachment,), **common)
    if message.text is not None or message.caption is not None:
        return TelegramUpdate(kind=UpdateKind.NON_TEXT, **common)
    return TelegramUpdate(update_id, UpdateKind.IGNORED)


def _attachment(message: Message) -> Optional[Attachment]:
    """What the message carries instead of text; Telegram gives file ids, never links, for files."""
    for attachment_type in MessageAttachmentType:
        content = getattr(message, attachment_type.value, None)
        if not content:
            continue
        kind = ATTACHMENT_KINDS.get(attachment_type, attachment_type.value.replace("_", " "))
        place = content.location if isinstance(content, Venue) else content
        if isinstance(place, Location):
            return Attachment(kind, link=attachments.map_link(place.latitude, place.longitude))
        largest = content[-1] if isinstance(content, (list, tuple)) else content
        file_id = getattr(largest, "file_id", None)
        note = f"no link: Telegram file id {file_id}" if file_id else None
        return Attachment(kind, note=note)
    return None


def _command_to_text(text: str) -> str:
    """`/start` greets; other commands reach NLU as words ("/help" -> "help")."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return stripped
    command, _, rest = stripped[1:].partition(" ")
    command = command.split("@", 1)[0]
    if command == "start":
        return START_PAYLOAD
    return f"{command} {rest}".strip()


def _customer(user: Optional[User], chat_id: int) -> Dict[str, Any]:
    if user is None:
        return {"chat_id": chat_id}
    return {
        "name": user.full_name,
        "username": user.username,
        "user_id": user.id,
        "language_code": user.language_code,
        "chat_id": chat_id,
    }
