"""A fake Twilio REST API (Messages resource) on loopback."""

from __future__ import annotations

import base64
import itertools
from typing import Any, Dict, List

from aiohttp import web

from tests.fakes.server import FakeApiServer


class FakeTwilioApi(FakeApiServer):
    """Answers POST /2010-04-01/Accounts/<sid>/Messages.json for one account."""

    def __init__(self, account_sid: str, auth_token: str) -> None:
        """Accept basic auth `account_sid`:`auth_token` only (others get 401)."""
        super().__init__()
        self.account_sid = account_sid
        self.auth_token = auth_token
        self._sids = itertools.count(1)

    def add_routes(self, app: web.Application) -> None:
        """The Messages create endpoint."""
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._create_message)

    def sent_messages(self) -> List[Dict[str, str]]:
        """Form fields of every message created."""
        return [request.form() for request in self.calls("/Messages.json")]

    async def _create_message(self, request: web.Request) -> web.Response:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        authorized = request.headers.get("Authorization") == f"Basic {expected}"
        if not authorized or request.match_info["sid"] != self.account_sid:
            return _error(20003, "Authenticate", 401)
        form = await request.post()
        if not form.get("To") or not (form.get("Body") or form.get("MediaUrl")):
            return _error(21602, "Message body is required.", 400)
        sid = f"SM{next(self._sids):032d}"
        return web.json_response(_message(sid, self.account_sid, dict(form)), status=201)


def _error(code: int, message: str, status: int) -> web.Response:
    """Twilio's error body."""
    more_info = f"https://www.twilio.com/docs/errors/{code}"
    return web.json_response(
        {"code": code, "message": message, "more_info": more_info, "status": status}, status=status
    )


def _message(sid: str, account_sid: str, form: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "account_sid": account_sid,
        "api_version": "2010-04-01",
        "body": form.get("Body", ""),
        "date_created": "Thu, 30 Jul 2015 20:12:31 +0000",
        "date_sent": None,
        "date_updated": "Thu, 30 Jul 2015 20:12:33 +0000",
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": form.get("From"),
        "messaging_service_sid": form.get("MessagingServiceSid"),
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "queued",
        "subresource_uris": {"media": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}/Media.json"},
        "to": form.get("To"),
        "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
    }
