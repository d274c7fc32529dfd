"""Translate Slack Events API callbacks and button presses into customer messages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import emoji

from bot.attachments import Attachment, NonTextMessage, kind_of_media_type
from channels.handover import InboundMessage
from channels.non_text_handover import InboundNonText

CHANNEL = "slack"
HANDLED_MESSAGE_SUBTYPES = (None, "file_share", "thread_broadcast")
VOICE_CLIP_SUBTYPE = "slack_audio"
_LINK = re.compile(r"<((?:https?|mailto|tel):[^|>]+)(?:\|([^>]+))?>")
_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]+)?>")
_SKIN_TONE = re.compile(r":skin-tone-([2-6]):")
_SHORTCODE_WORD = re.compile(r"(?<!\S)((?::[a-z0-9_+'-]+:)+)([.,!?]*)(?!\S)")


@dataclass(frozen=True)
class SlackTarget:
    """Where a conversation lives in Slack; `user_id` only for conversations in shared channels."""

    team_id: str
    channel_id: str
    user_id: Optional[str] = None


@dataclass(frozen=True)
class SlackInbound:
    """A customer message plus where to answer it (`thread_ts` when they wrote in a thread);
    `non_text` instead of `message` when it had no text (files only, or a bare mention)."""

    message: Optional[InboundMessage]
    sender_id: str
    thread_ts: Optional[str]
    non_text: Optional[InboundNonText] = None


def sender_id_for(team_id: str, channel_id: str, user_id: str) -> str:
    """"slack:<team>:<D…>" for a DM; "slack:<team>:<channel>:<user>" for a mention in a channel."""
    if channel_id.startswith("D"):
        return f"{CHANNEL}:{team_id}:{channel_id}"
    return f"{CHANNEL}:{team_id}:{channel_id}:{user_id}"


def target_of(sender_id: str) -> Optional[SlackTarget]:
    """Parse a Slack sender id back into team, channel and user; None if it is not one."""
    parts = sender_id.split(":")
    if parts[0] != CHANNEL or len(parts) not in (3, 4) or not all(parts[1:]):
        return None
    return SlackTarget(parts[1], parts[2], parts[3] if len(parts) == 4 else None)


def from_event(body: Dict[str, Any], bot_user_id: Optional[str]) -> Optional[SlackInbound]:
    """A DM (`message` in an IM) or a mention (`app_mention`) from a person; None for anything else."""
    event = body.get("event") or {}
    kind = event.get("type")
    user = event.get("user")
    channel = event.get("channel")
    if not isinstance(user, str) or not isinstance(channel, str) or event.get("bot_id"):
        return None
    if user == bot_user_id:
        return None
    if kind == "message":
        if event.get("channel_type") != "im" or event.get("subtype") not in HANDLED_MESSAGE_SUBTYPES:
            return None
    elif kind != "app_mention" or channel.startswith("D"):
        return None
    team = str(body.get("team_id") or "")
    sender_id = sender_id_for(team, channel, user)
    text = customer_text(str(event.get("text") or ""), bot_user_id, emoji_in_blocks(event.get("blocks")))
    thread_ts = event.get("thread_ts")
    message_id = f"{CHANNEL}:{body.get('event_id', event.get('ts', ''))}"
    metadata = _customer(team, channel, user, thread_ts)
    if not text:
        files = NonTextMessage(sender_id, tuple(_attachments(event.get("files"))))
        return SlackInbound(None, sender_id, thread_ts, InboundNonText(CHANNEL, files, message_id, metadata))
    message = InboundMessage(
        channel=CHANNEL, sender_id=sender_id, text=text, message_id=message_id, metadata=metadata
    )
    return SlackInbound(message, sender_id, thread_ts)


def _attachments(files: Any) -> List[Attachment]:
    """Shared files in plain words, each with its permalink (agents open it in Slack)."""
    found: List[Attachment] = []
    for file in files if isinstance(files, list) else []:
        if not isinstance(file, dict):
            continue
        voice = file.get("subtype") == VOICE_CLIP_SUBTYPE
        kind = kind_of_media_type(str(file.get("mimetype") or ""), voice=voice)
        link = file.get("permalink") or file.get("url_private")
        found.append(Attachment(kind, link=str(link) if link else None))
    return found


def from_button(body: Dict[str, Any]) -> Optional[SlackInbound]:
    """A pressed Block Kit button becomes a message whose text is the button's payload."""
    actions = body.get("actions") or []
    user = (body.get("user") or {}).get("id")
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
    if not actions or not user or not channel or not team:
        return None
    value = actions[0].get("value")
    if not value:
        return None
    thread_ts = container.get("thread_ts") or (body.get("message") or {}).get("thread_ts")
    sender_id = sender_id_for(team, channel, user)
    message = InboundMessage(
        channel=CHANNEL,
        sender_id=sender_id,
        text=str(value),
        message_id=f"{CHANNEL}:{body.get('trigger_id') or actions[0].get('action_ts', '')}",
        metadata=_customer(team, channel, user, thread_ts),
    )
    return SlackInbound(message, sender_id, thread_ts)


def customer_text(text: str, bot_user_id: Optional[str], block_emoji: Optional[Dict[str, str]] = None) -> str:
    """Slack's markup undone: the bot's own mention removed, links, escapes and emoji made plain."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]+)?>", " ", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = _MENTION.sub(lambda m: f"@{m.group(1)}", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(emoji_as_unicode(text, block_emoji).split())


def emoji_in_blocks(blocks: Any) -> Dict[str, str]:
    """Shortcode -> emoji, from the rich-text emoji elements Slack sends beside the text.

    Each element names the emoji as the text writes it ("wave::skin-tone-2") and, for a standard
    emoji, gives its code points ("1f44b-1f3fc"); that covers names the alias table lacks, such as
    Slack's hyphenated ones (":woman-facepalming:").
    """
    found: Dict[str, str] = {}
    stack = list(blocks) if isinstance(blocks, list) else []
    while stack:
        element = stack.pop()
        if not isinstance(element, dict):
            continue
        stack.extend(element.get("elements") or [])
        name, points = element.get("name"), element.get("unicode")
        if element.get("type") == "emoji" and isinstance(name, str) and isinstance(points, str):
            try:
                found[f":{name}:"] = "".join(chr(int(point, 16)) for point in points.split("-"))
            except ValueError:
                continue
    return found


def emoji_as_unicode(text: str, block_emoji: Optional[Dict[str, str]] = None) -> str:
    """Slack's emoji shortcodes (":+1:", ":pray:", ":+1::skin-tone-3:") as the emoji they show.

    Slack sends what the customer picked as a shortcode; the other channels send the emoji itself,
    which is what the assistant reads. The code points of the message's own emoji elements
    (`emoji_in_blocks`) come first, then the `emoji` package's alias table. Only a word made of
    shortcodes alone (punctuation after it allowed) outside `code` is converted, so "ORD:100:5" or
    "status:ok:done" stay as typed; custom workspace emoji stay as their shortcode.
    """
    known = sorted((block_emoji or {}).items(), key=lambda item: len(item[0]), reverse=True)
    pieces = text.split("`")
    for index in range(0, len(pieces), 2):
        pieces[index] = _SHORTCODE_WORD.sub(lambda match: _emoji_word(match, known), pieces[index])
    return "`".join(pieces)


def _emoji_word(match: "re.Match[str]", known: List[Tuple[str, str]]) -> str:
    """One whitespace-delimited word of shortcodes as emoji (`known` longest shortcode first), its punctuation kept."""
    word = match.group(1)
    for shortcode, characters in known:
        word = word.replace(shortcode, characters)
    toned = _SKIN_TONE.sub(lambda tone: chr(0x1F3F9 + int(tone.group(1))), word)
    return emoji.emojize(toned, language="alias") + match.group(2)


def _customer(team: str, channel: str, user: str, thread_ts: Optional[str]) -> Dict[str, Any]:
    return {"team_id": team, "channel_id": channel, "user_id": user, "thread_ts": thread_ts}
