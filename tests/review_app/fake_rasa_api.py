"""A fake of the Rasa server's HTTP API as the desk uses it, on loopback, writing to a real tracker store.

Like `rasa run --enable-api --auth-token`, it refuses calls without the token, appends posted
events to the conversation, runs `action_bot_back` on /execute (the bot says it is back) and
serves the tracker's events.
"""

from __future__ import annotations

import time
from typing import Any, Dict, List

from aiohttp import web

from tests.fakes.server import FakeApiServer
from tests.review_app.sample_conversations import TrackerDatabase

BOT_BACK_TEXT = "I'm back! Anything else I can help with?"


class FakeRasaApi(FakeApiServer):
    """Serves /conversations/{id}/tracker, /tracker/events and /execute for one API token."""

    def __init__(self, token: str, tracker: TrackerDatabase) -> None:
        """Accept `token` only; keep conversations in the real tracker store `tracker`."""
        super().__init__()
        self.token = token
        self.tracker = tracker

    def add_routes(self, app: web.Application) -> None:
        """The three endpoints the desk calls."""
        app.router.add_get("/conversations/{sender}/tracker", self._get_tracker)
        app.router.add_post("/conversations/{sender}/tracker/events", self._post_events)
        app.router.add_post("/conversations/{sender}/execute", self._execute)

    def agent_messages(self, sender: str) -> List[Dict[str, Any]]:
        """Agent messages posted for `sender`, in order."""
        return [
            event for request in self.calls(f"/conversations/{sender}/tracker/events")
            for event in request.json() if (event.get("metadata") or {}).get("agent")
        ]

    async def _get_tracker(self, request: web.Request) -> web.Response:
        if request.query.get("token") != self.token:
            return _unauthorized()
        tracker = await self.tracker.store.retrieve(request.match_info["sender"])
        events = [] if tracker is None else [event.as_dict() for event in tracker.events]
        return web.json_response({"sender_id": request.match_info["sender"], "events": events})

    async def _post_events(self, request: web.Request) -> web.Response:
        if request.query.get("token") != self.token:
            return _unauthorized()
        events = [{**event, "timestamp": event.get("timestamp", time.time())} for event in await request.json()]
        await self.tracker.append(request.match_info["sender"], events)
        return web.json_response({"sender_id": request.match_info["sender"]})

    async def _execute(self, request: web.Request) -> web.Response:
        if request.query.get("token") != self.token:
            return _unauthorized()
        name = (await request.json()).get("name")
        now = time.time()
        await self.tracker.append(request.match_info["sender"], [
            {"event": "action", "name": name, "timestamp": now},
            {"event": "bot", "text": BOT_BACK_TEXT, "timestamp": now, "metadata": {"utter_action": "utter_bot_back"}},
        ])
        return web.json_response({"sender_id": request.match_info["sender"]})


def _unauthorized() -> web.Response:
    """What Rasa answers without a valid token."""
    return web.json_response({"status": "failure", "reason": "NotAuthenticated", "code": 401}, status=401)
