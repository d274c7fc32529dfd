"""Realistic webhook payloads (shapes as in each platform's docs) and their signatures."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any, Dict, Optional, Tuple
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

TEAM_ID = "T0BRIGHT1"
BOT_USER_ID = "U0BOTUSER"
BOT_ID = "B0BOTBOT1"


def telegram_user(user_id: int = 424242, first_name: str = "Ada", is_bot: bool = False) -> Dict[str, Any]:
    """A Telegram User object."""
    return {
        "id": user_id,
        "is_bot": is_bot,
        "first_name": first_name,
        "last_name": "Lovelace",
        "username": "ada_l",
        "language_code": "en",
    }


def telegram_private_chat(chat_id: int = 424242) -> Dict[str, Any]:
    """A private Chat object."""
    return {"id": chat_id, "first_name": "Ada", "last_name": "Lovelace", "username": "ada_l", "type": "private"}


def telegram_message(
    chat_id: int = 424242, text: Optional[str] = "hello", message_id: int = 11, **extra: Any
) -> Dict[str, Any]:
    """A Message object from the customer."""
    message: Dict[str, Any] = {
        "message_id": message_id,
        "from": telegram_user(chat_id),
        "chat": telegram_private_chat(chat_id),
        "date": int(time.time()),
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            command = text.split(" ", 1)[0]
            message["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
    message.update(extra)
    return message


def telegram_text_update(update_id: int, chat_id: int = 424242, text: str = "hello") -> Dict[str, Any]:
    """An Update carrying a new text message."""
    return {"update_id": update_id, "message": telegram_message(chat_id, text)}


def telegram_callback_update(update_id: int, chat_id: int = 424242, data: str = "/affirm") -> Dict[str, Any]:
    """An Update for a pressed inline-keyboard button."""
    bot_message = telegram_message(chat_id, "Did that help?", message_id=12)
    bot_message["from"] = {"id": 7000001, "is_bot": True, "first_name": "Brightway", "username": "brightway_bot"}
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cbq{update_id}",
            "from": telegram_user(chat_id),
            "message": bot_message,
            "chat_instance": "-123456789",
            "data": data,
        },
    }


def telegram_edited_update(update_id: int, chat_id: int = 424242) -> Dict[str, Any]:
    """An Update for an edited message (to be ignored)."""
    edited = telegram_message(chat_id, "hello (edited)")
    edited["edit_date"] = int(time.time())
    return {"update_id": update_id, "edited_message": edited}


def telegram_photo_update(update_id: int, chat_id: int = 424242) -> Dict[str, Any]:
    """An Update with a photo and no caption."""
    photo = [{"file_id": "AgACAgQ", "file_unique_id": "AQAD", "width": 90, "height": 67, "file_size": 1254}]
    return {"update_id": update_id, "message": telegram_message(chat_id, None, photo=photo)}


def telegram_group_join_update(update_id: int) -> Dict[str, Any]:
    """Someone joined a group the bot is in (to be ignored)."""
    message = telegram_message(-100555, None, new_chat_members=[telegram_user(99)])
    message["chat"] = {"id": -100555, "title": "Shoppers", "type": "group"}
    return {"update_id": update_id, "message": message}


def slack_message_event(
    event_id: str,
    text: str = "hello",
    channel: str = "D0CUSTOM1",
    user: str = "U0CUSTOM1",
    thread_ts: Optional[str] = None,
    **event_extra: Any,
) -> Dict[str, Any]:
    """An Events API `message` callback (a DM unless `channel` says otherwise)."""
    event: Dict[str, Any] = {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": "1700000000.000100",
        "event_ts": "1700000000.000100",
        "channel_type": "im" if channel.startswith("D") else "channel",
        "client_msg_id": f"msg-{event_id}",
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    event.update(event_extra)
    return _slack_callback(event_id, event)


def slack_mention_event(
    event_id: str, text: str = "hi", channel: str = "C0SHOPPER", user: str = "U0CUSTOM2",
    thread_ts: Optional[str] = None,
) -> Dict[str, Any]:
    """An Events API `app_mention` callback in a public channel."""
    event: Dict[str, Any] = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": "1700000001.000200",
        "channel": channel,
        "event_ts": "1700000001.000200",
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return _slack_callback(event_id, event)


def slack_reaction_event(event_id: str) -> Dict[str, Any]:
    """A `reaction_added` callback (to be ignored)."""
    event = {
        "type": "reaction_added",
        "user": "U0CUSTOM1",
        "reaction": "thumbsup",
        "item": {"type": "message", "channel": "D0CUSTOM1", "ts": "1700000000.000100"},
        "event_ts": "1700000002.000300",
    }
    return _slack_callback(event_id, event)


def slack_url_verification(challenge: str = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P") -> Dict[str, Any]:
    """The one-time URL verification request."""
    return {"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "challenge": challenge, "type": "url_verification"}


def slack_block_actions(
    value: str, channel: str = "D0CUSTOM1", user: str = "U0CUSTOM1",
    thread_ts: Optional[str] = None, trigger_id: str = "13345224609.738474920.8088930838d88f008e0",
    response_url: str = "http://127.0.0.1:9/actions/T0BRIGHT1/1/abc",
) -> Dict[str, Any]:
    """An interactivity payload for a pressed Block Kit button."""
    container: Dict[str, Any] = {
        "type": "message", "message_ts": "1700000003.000400", "channel_id": channel, "is_ephemeral": False,
    }
    if thread_ts:
        container["thread_ts"] = thread_ts
    return {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "brightway"},
        "user": {"id": user, "username": "ada", "name": "ada", "team_id": TEAM_ID},
        "api_app_id": "A0BRIGHT1",
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "container": container,
        "trigger_id": trigger_id,
        "channel": {"id": channel, "name": "directmessage"},
        "message": {"type": "message", "user": BOT_USER_ID, "ts": "1700000003.000400", "text": "Did that help?"},
        "response_url": response_url,
        "actions": [
            {
                "action_id": "brightway_button_0",
                "block_id": "brightway_buttons",
                "text": {"type": "plain_text", "text": "Yes", "emoji": True},
                "value": value,
                "type": "button",
                "action_ts": "1700000004.000500",
            }
        ],
    }


def _slack_callback(event_id: str, event: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "team_id": TEAM_ID,
        "api_app_id": "A0BRIGHT1",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [
            {"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True,
             "is_enterprise_install": False}
        ],
        "is_ext_shared_channel": False,
    }


def slack_json_body(payload: Dict[str, Any]) -> bytes:
    """An Events API body."""
    return json.dumps(payload).encode("utf-8")


def slack_form_body(payload: Dict[str, Any]) -> bytes:
    """An interactivity body: form field `payload` holding JSON."""
    return urlencode({"payload": json.dumps(payload)}).encode("utf-8")


def slack_signature_headers(
    signing_secret: str, body: bytes, timestamp: Optional[int] = None, content_type: str = "application/json"
) -> Dict[str, str]:
    """X-Slack-Signature / X-Slack-Request-Timestamp as Slack computes them."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + stamp.encode() + b":" + body
    digest = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
    }


def twilio_sms_params(
    message_sid: str,
    body: str = "hello",
    from_number: str = "+15551234567",
    to_number: str = "+15557654321",
    account_sid: str = "AC" + "0" * 32,
    media_urls: Tuple[str, ...] = (),
) -> Dict[str, str]:
    """The form fields Twilio posts for an incoming SMS/MMS."""
    params = {
        "ToCountry": "US", "ToState": "CA", "SmsMessageSid": message_sid, "NumMedia": str(len(media_urls)),
        "ToCity": "SAN FRANCISCO", "FromZip": "94105", "SmsSid": message_sid, "FromState": "CA",
        "SmsStatus": "received", "FromCity": "SAN FRANCISCO", "Body": body, "FromCountry": "US",
        "To": to_number, "ToZip": "94105", "NumSegments": "1", "ReferralNumMedia": "0",
        "MessageSid": message_sid, "AccountSid": account_sid, "From": from_number, "ApiVersion": "2010-04-01",
    }
    for index, url in enumerate(media_urls):
        params[f"MediaUrl{index}"] = url
        params[f"MediaContentType{index}"] = "image/jpeg"
    return params


def twilio_signed_request(auth_token: str, url: str, params: Dict[str, str]) -> Tuple[bytes, Dict[str, str]]:
    """Form body and headers, signed for `url` as Twilio signs them."""
    signature = RequestValidator(auth_token).compute_signature(url, params)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
    return urlencode(params).encode("utf-8"), headers
