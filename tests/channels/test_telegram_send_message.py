"""`channels.telegram.send_message`: the request `Bot.send_message` makes, and its errors, without the Message."""

from __future__ import annotations

import asyncio
import json
from typing import Any, List, Optional, Tuple

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, RetryAfter
from telegram.request import BaseRequest, RequestData

from channels.telegram.send_message import send_message

TOKEN = "42:send-message-test"
SENT = {"message_id": 100, "date": 1765000000, "chat": {"id": 7, "type": "private"},
        "from": {"id": 1, "is_bot": True, "first_name": "Brightway"}, "text": "x"}


class RecordingRequest(BaseRequest):
    """A Bot API transport that records every call and answers with `answer`."""

    def __init__(self, answer: Tuple[int, dict]) -> None:
        self.answer = answer
        self.calls: List[Tuple[str, str, Optional[bytes]]] = []

    @property
    def read_timeout(self) -> Optional[float]:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(self, url: str, method: str, request_data: Optional[RequestData] = None, **_: Any) -> Tuple[int, bytes]:
        body = request_data.url_encoded_parameters().encode() if request_data is not None else None
        self.calls.append((method, url, body))
        status, payload = self.answer
        return status, json.dumps(payload).encode()


def _bot(answer: Tuple[int, dict]) -> Tuple[Bot, RecordingRequest]:
    request = RecordingRequest(answer)
    return Bot(TOKEN, base_url="http://127.0.0.1:9/bot", request=request, get_updates_request=RecordingRequest(answer)), request


KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="b:1")], [InlineKeyboardButton("No", callback_data="b:2")]])


@pytest.mark.parametrize(
    ("chat_id", "text", "keyboard"),
    [
        (7, "Hello &amp; <b>welcome</b>", None),
        (-1001234, "Ünïcödé ✓ 😀 line\nbreak + plus = equals", None),
        (7, "Pick one:", KEYBOARD),
    ],
    ids=["html", "unicode", "keyboard"],
)
def test_the_request_is_the_one_bot_send_message_makes(chat_id: int, text: str, keyboard: Any) -> None:
    ptb_bot, ptb_request = _bot((200, {"ok": True, "result": SENT}))
    our_bot, our_request = _bot((200, {"ok": True, "result": SENT}))

    async def both() -> Any:
        message = await ptb_bot.send_message(chat_id=chat_id, text=text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
        ours = await send_message(our_bot, chat_id, text, ParseMode.HTML, keyboard)
        return message, ours

    message, ours = asyncio.run(both())
    assert message.message_id == 100 and ours is None
    assert our_request.calls == ptb_request.calls
    method, url, body = our_request.calls[0]
    assert method == "POST" and url.endswith(f"/bot{TOKEN}/sendMessage") and body


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ((400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}), BadRequest),
        ((429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
                "parameters": {"retry_after": 3}}), RetryAfter),
    ],
    ids=["refused", "flood-wait"],
)
def test_telegram_refusals_raise_what_bot_send_message_raises(answer: Tuple[int, dict], error: type) -> None:
    ptb_bot, _ = _bot(answer)
    our_bot, _ = _bot(answer)
    with pytest.raises(error) as theirs:
        asyncio.run(ptb_bot.send_message(chat_id=7, text="hi", parse_mode=ParseMode.HTML))
    with pytest.raises(error) as ours:
        asyncio.run(send_message(our_bot, 7, "hi", ParseMode.HTML))
    assert str(ours.value) == str(theirs.value)
