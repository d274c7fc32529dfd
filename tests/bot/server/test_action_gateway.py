"""The action gateway, mounted on a real Sanic app, in front of a fake action server on loopback:
answers pass through; a down, failing or slow action server gets the honest fallback, and when
that keeps happening (or the handoff itself fails) the handoff is recorded in the store."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Dict, Iterator, List

import pytest
from aiohttp import web

from bot.server.action_gateway import ActionGateway, ActionGatewayInput, GatewaySettings, unavailable_streak
from bot.services import Services
from tests.e2e.running_assistant import free_port
from tests.fakes.rasa_app import ChannelServer
from tests.fakes.server import FakeApiServer

FALLBACK = "utter_action_unavailable"
ANSWER = {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "Returns: 30 days."}]}


class FakeActionServer(FakeApiServer):
    """Answers every action call with `ANSWER` after `delay_s` seconds."""

    delay_s = 0.0

    def add_routes(self, app: web.Application) -> None:
        """POST /webhook."""
        app.router.add_post("/webhook", self._run)

    async def _run(self, _: web.Request) -> web.Response:
        await asyncio.sleep(self.delay_s)
        return web.json_response(ANSWER)


def action_call(action: str = "action_answer_policy", events: List[Dict[str, Any]] = ()) -> bytes:
    """The body Rasa sends to the action server."""
    tracker = {"sender_id": "c-1", "latest_input_channel": "rest", "latest_message": {"metadata": {}},
               "events": [{"event": "user", "text": "what about returns?", "timestamp": 1.0}, *events]}
    return json.dumps({"next_action": action, "sender_id": "c-1", "tracker": tracker, "domain": {}}).encode()


def unavailable_reply() -> Dict[str, Any]:
    """A bot event for the fallback response, as Rasa stores it."""
    return {"event": "bot", "text": "Sorry...", "metadata": {"utter_action": FALLBACK}}


@pytest.fixture
def action_server() -> Iterator[FakeActionServer]:
    """The fake action server."""
    with FakeActionServer() as server:
        yield server  # type: ignore[misc]


def gateway_server(url: str, services: Services, timeout: float = 1.0) -> ChannelServer:
    """A Sanic app serving the gateway, recording handoffs in the test's database."""
    settings = GatewaySettings(url=url, timeout_seconds=timeout)
    return ChannelServer([ActionGatewayInput(ActionGateway(settings, services.handoff_service))])


def call(server: ChannelServer, body: bytes) -> Dict[str, Any]:
    """POST an action call to the gateway and decode the answer."""
    response = server.post("/webhooks/action_gateway/webhook", body, {"Content-Type": "application/json"})
    assert response.status_code == 200
    return response.json()


def test_answers_pass_through_unchanged(action_server: FakeActionServer, services: Services) -> None:
    with gateway_server(f"{action_server.url}/webhook", services) as server:
        assert call(server, action_call()) == ANSWER
    assert action_server.calls("/webhook")[0].json()["next_action"] == "action_answer_policy"


def test_a_rejection_keeps_its_status(action_server: FakeActionServer, services: Services) -> None:
    action_server.fail_next(1, 400, {"action_name": "action_x", "error": "rejected"})
    with gateway_server(f"{action_server.url}/webhook", services) as server:
        response = server.post("/webhooks/action_gateway/webhook", action_call(), {"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["action_name"] == "action_x"


def test_a_failing_action_server_gets_the_honest_reply(action_server: FakeActionServer, services: Services) -> None:
    action_server.fail_next(1, 500, {"error": "boom"})
    with gateway_server(f"{action_server.url}/webhook", services) as server:
        assert call(server, action_call()) == {"events": [], "responses": [{"response": FALLBACK}]}
    assert services.handoffs.active_for_conversation("c-1") is None


def test_a_down_action_server_gets_the_honest_reply(services: Services) -> None:
    with gateway_server(f"http://127.0.0.1:{free_port()}/webhook", services) as server:
        assert call(server, action_call())["responses"] == [{"response": FALLBACK}]


def test_a_slow_action_server_is_given_up_on_after_the_timeout(
    action_server: FakeActionServer, services: Services
) -> None:
    action_server.delay_s = 1.5
    with gateway_server(f"{action_server.url}/webhook", services, timeout=0.5) as server:
        started = time.monotonic()
        answer = call(server, action_call())
        waited = time.monotonic() - started
        time.sleep(action_server.delay_s - waited + 0.2)
    assert answer["responses"] == [{"response": FALLBACK}]
    assert waited < 1.2


def test_a_second_failure_in_a_row_records_the_handoff(services: Services) -> None:
    with gateway_server(f"http://127.0.0.1:{free_port()}/webhook", services) as server:
        answer = call(server, action_call(events=[unavailable_reply(), {"event": "user", "text": "hello?"}]))

    handoff = services.handoffs.active_for_conversation("c-1")
    assert handoff is not None and handoff.reason == "assistant_unavailable"
    assert answer["events"] == [{"event": "pause"}]
    assert handoff.id in answer["responses"][0]["text"]
    assert [line["text"] for line in handoff.transcript if line.get("text")][0] == "what about returns?"


def test_a_failed_handoff_action_is_recorded_at_once(services: Services) -> None:
    with gateway_server(f"http://127.0.0.1:{free_port()}/webhook", services) as server:
        call(server, action_call("action_handoff"))
    assert services.handoffs.active_for_conversation("c-1") is not None


def test_unavailable_streak_counts_the_latest_fallback_replies_in_a_row() -> None:
    other = {"event": "bot", "text": "hi", "metadata": {"utter_action": "utter_greet"}}
    user = {"event": "user", "text": "x"}
    assert unavailable_streak([other, user, unavailable_reply(), user, unavailable_reply(), user], FALLBACK) == 2
    assert unavailable_streak([unavailable_reply(), other], FALLBACK) == 0
    assert unavailable_streak([], FALLBACK) == 0


@pytest.mark.parametrize("credentials", [None, {"url": ""}, {"url": "http://a/webhook", "timeout_seconds": 0}])
def test_settings_refuse_a_missing_url_or_a_bad_timeout(credentials: Any) -> None:
    with pytest.raises(ValueError):
        GatewaySettings.from_credentials(credentials)
