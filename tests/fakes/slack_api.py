"""A fake Slack Web API (auth.test, chat.postMessage) on loopback."""

from __future__ import annotations

import itertools
from typing import Any, Dict, List

from aiohttp import web

from tests.fakes.payloads import BOT_ID, BOT_USER_ID, TEAM_ID
from tests.fakes.server import FakeApiServer, request_params


class FakeSlackApi(FakeApiServer):
    """Answers like slack.com/api for a bot token; serve it at `url + "/api/"`."""

    def __init__(self, token: str) -> None:
        """Accept `token` only (others get invalid_auth, like the real API)."""
        super().__init__()
        self.token = token
        self._timestamps = itertools.count(1)

    @property
    def api_url(self) -> str:
        """The base URL to configure as SLACK_API_BASE_URL."""
        return f"{self.url}/api/"

    def add_routes(self, app: web.Application) -> None:
        """POST /api/<method>."""
        app.router.add_post("/api/{method}", self._method)

    def posted_messages(self) -> List[Dict[str, Any]]:
        """Arguments of every chat.postMessage call."""
        return [request.params() for request in self.calls("/chat.postMessage")]

    async def _method(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        params = request_params(request.headers.get("Content-Type", ""), await request.read())
        method = request.match_info["method"]
        if method == "auth.test":
            return web.json_response(
                {
                    "ok": True,
                    "url": "https://brightway.slack.com/",
                    "team": "Brightway",
                    "user": "brightway",
                    "team_id": TEAM_ID,
                    "user_id": BOT_USER_ID,
                    "bot_id": BOT_ID,
                    "is_enterprise_install": False,
                }
            )
        if method == "chat.postMessage":
            if not params.get("channel"):
                return web.json_response({"ok": False, "error": "channel_not_found"})
            ts = f"1700001000.{next(self._timestamps):06d}"
            message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "ts": ts,
                       "text": params.get("text", "")}
            return web.json_response({"ok": True, "channel": params["channel"], "ts": ts, "message": message})
        return web.json_response({"ok": False, "error": "unknown_method"}, status=404)
