"""A fake Telegram Bot API (https://core.telegram.org/bots/api) on loopback."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any, Dict, List

from aiohttp import web

from tests.fakes.server import FakeApiServer, request_params

BOT_USER = {"id": 7000001, "is_bot": True, "first_name": "Brightway", "username": "brightway_bot"}


class FakeTelegramApi(FakeApiServer):
    """Answers getMe, sendMessage, sendPhoto, answerCallbackQuery and the webhook methods."""

    def __init__(self, token: str) -> None:
        """Accept requests for bot `token` only (others get 401 like the real API)."""
        super().__init__()
        self.token = token
        self.webhook: Dict[str, Any] = {}
        self._message_ids = itertools.count(100)

    def add_routes(self, app: web.Application) -> None:
        """POST /bot<token>/<method>."""
        app.router.add_post("/bot{token}/{method}", self._method)

    def sent_messages(self) -> List[Dict[str, Any]]:
        """Parameters of every sendMessage call, reply_markup decoded."""
        messages = []
        for request in self.calls("/sendMessage"):
            params = request.params()
            if "reply_markup" in params:
                params["reply_markup"] = json.loads(params["reply_markup"])
            messages.append(params)
        return messages

    async def _method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        params = request_params(request.headers.get("Content-Type", ""), await request.read())
        method = request.match_info["method"]
        handler = {
            "getMe": lambda p: BOT_USER,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_message,
            "sendDocument": self._send_message,
            "answerCallbackQuery": lambda p: True,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._webhook_info,
        }.get(method)
        if handler is None:
            return _error(404, "Not Found")
        return web.json_response({"ok": True, "result": handler(params)})

    def _send_message(self, params: Dict[str, Any]) -> Dict[str, Any]:
        chat_id = int(params["chat_id"])
        message: Dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
        }
        if "text" in params:
            message["text"] = params["text"]
        return message

    def _set_webhook(self, params: Dict[str, Any]) -> bool:
        self.webhook = dict(params)
        return True

    def _delete_webhook(self, params: Dict[str, Any]) -> bool:
        self.webhook = {}
        return True

    def _webhook_info(self, params: Dict[str, Any]) -> Dict[str, Any]:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }


def _error(code: int, description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": code, "description": description}, status=code
    )


def flood_wait_body(seconds: int) -> Dict[str, Any]:
    """The body Telegram sends with a 429 (flood control)."""
    return {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {seconds}",
        "parameters": {"retry_after": seconds},
    }
