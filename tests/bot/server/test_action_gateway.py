"""The action gateway, mounted on a real Sanic app, in both modes: the actions run in process
(`tests.fakes.faulty_actions` through rasa_sdk's executor) or at a separate action server (a fake
on loopback). Answers pass through; failing, hanging or unreachable actions get the honest
fallback within the timeout, and when that keeps happening (or the handoff itself fails) the
handoff is recorded in the store."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import zlib
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
from aiohttp import web

from bot.server.action_gateway import ActionGateway, ActionGatewayInput, GatewaySettings, unavailable_streak
from bot.services import Services
from tests.e2e.running_assistant import free_port
from tests.fakes import faulty_actions
from tests.fakes.faulty_actions import FIXED_TEXT
from tests.fakes.rasa_app import ChannelServer
from tests.fakes.server import FakeApiServer

FALLBACK = "utter_action_unavailable"
UNAVAILABLE = {"events": [], "responses": [{"response": FALLBACK}]}
ANSWER = {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": FIXED_TEXT}]}
HANG_SECONDS = 1.5  # the faulty actions' default; the fake action server waits as long


class FakeActionServer(FakeApiServer):
    """Answers every action call with `ANSWER` after `delay_s` seconds."""

    delay_s = 0.0

    def add_routes(self, app: web.Application) -> None:
        """POST /webhook."""
        app.router.add_post("/webhook", self._run)

    async def _run(self, _: web.Request) -> web.Response:
        await asyncio.sleep(self.delay_s)
        return web.json_response(ANSWER)


class ActionsUnderTest:
    """One way of running the actions, told which fault the next call meets."""

    def __init__(self, mode: str, server: FakeActionServer, switch: Path) -> None:
        """`mode`: "in_process" (the faulty actions here, told by `switch`) or "remote" (the fake
        action server)."""
        self.mode = mode
        self.server = server
        self.switch = switch

    def settings(self, timeout: float) -> GatewaySettings:
        """The gateway's settings for this mode."""
        if self.mode == "in_process":
            return GatewaySettings(actions_module="tests.fakes.faulty_actions", timeout_seconds=timeout)
        return GatewaySettings(url=f"{self.server.url}/webhook", timeout_seconds=timeout)

    def meet(self, fault: str) -> None:
        """Make the next call meet `fault` ("raise", "hang" or "reject")."""
        if self.mode == "in_process":
            self.switch.write_text(fault, encoding="utf-8")
        elif fault == "raise":
            self.server.fail_next(1, 500, {"error": "boom"})
        elif fault == "reject":
            self.server.fail_next(1, 400, {"action_name": "action_fixed_answer", "error": "rejected"})
        else:
            self.server.delay_s = HANG_SECONDS


def action_call(action: str = "action_fixed_answer", events: List[Dict[str, Any]] = ()) -> bytes:
    """The body Rasa sends to the action server."""
    tracker = {"sender_id": "c-1", "latest_input_channel": "rest", "latest_message": {"metadata": {}},
               "events": [{"event": "user", "text": "what about returns?", "timestamp": 1.0}, *events]}
    return json.dumps({"next_action": action, "sender_id": "c-1", "tracker": tracker, "domain": {}}).encode()


def unavailable_reply() -> Dict[str, Any]:
    """A bot event for the fallback response, as Rasa stores it."""
    return {"event": "bot", "text": "Sorry...", "metadata": {"utter_action": FALLBACK}}


def essentials(answer: Dict[str, Any]) -> Dict[str, Any]:
    """An answer without the keys rasa_sdk fills with empty defaults (timestamps, buttons...)."""
    return {
        "events": [{k: v for k, v in event.items() if v is not None} for event in answer["events"]],
        "responses": [{k: v for k, v in reply.items() if v} for reply in answer["responses"]],
    }


@pytest.fixture
def action_server() -> Iterator[FakeActionServer]:
    """The fake action server."""
    with FakeActionServer() as server:
        yield server  # type: ignore[misc]


@pytest.fixture(params=["in_process", "remote"])
def actions_under_test(
    request: pytest.FixtureRequest, action_server: FakeActionServer, fault_switch: Path
) -> ActionsUnderTest:
    """Each test once with the actions in process and once at the (fake) action server."""
    return ActionsUnderTest(request.param, action_server, fault_switch)


@pytest.fixture
def fault_switch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file that tells `tests.fakes.faulty_actions` (run in this process) which fault to show."""
    switch = tmp_path / "fault"
    monkeypatch.setenv("FAULTY_ACTIONS_SWITCH", str(switch))
    return switch


def gateway_server(settings: GatewaySettings, services: Services) -> ChannelServer:
    """A Sanic app serving the gateway, recording handoffs in the test's database."""
    return ChannelServer([ActionGatewayInput(ActionGateway(settings, services.handoff_service))])


def call(server: ChannelServer, body: bytes, headers: Dict[str, str] = {}) -> Dict[str, Any]:
    """POST an action call to the gateway and decode the answer."""
    response = server.post("/webhooks/action_gateway/webhook", body, {"Content-Type": "application/json", **headers})
    assert response.status_code == 200
    return response.json()


def test_answers_pass_through_unchanged(actions_under_test: ActionsUnderTest, services: Services) -> None:
    with gateway_server(actions_under_test.settings(timeout=5), services) as server:
        assert essentials(call(server, action_call())) == ANSWER


def test_a_compressed_call_is_answered(actions_under_test: ActionsUnderTest, services: Services) -> None:
    """Rasa deflates calls when COMPRESS_ACTION_SERVER_REQUEST is set."""
    body = zlib.compress(action_call())
    with gateway_server(actions_under_test.settings(timeout=5), services) as server:
        assert essentials(call(server, body, {"Content-Encoding": "deflate"})) == ANSWER


def test_a_rejection_keeps_its_status(actions_under_test: ActionsUnderTest, services: Services) -> None:
    actions_under_test.meet("reject")
    with gateway_server(actions_under_test.settings(timeout=5), services) as server:
        response = server.post("/webhooks/action_gateway/webhook", action_call(),
                               {"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["action_name"] == "action_fixed_answer"


def test_action_code_raising_gets_the_honest_reply(actions_under_test: ActionsUnderTest, services: Services) -> None:
    actions_under_test.meet("raise")
    with gateway_server(actions_under_test.settings(timeout=5), services) as server:
        assert call(server, action_call()) == UNAVAILABLE
    assert services.handoffs.active_for_conversation("c-1") is None


def test_an_unknown_action_is_a_404_in_process(services: Services) -> None:
    """As rasa_sdk's server answers: Rasa then reports the missing action (no fallback)."""
    settings = GatewaySettings(actions_module="tests.fakes.faulty_actions", timeout_seconds=5)
    with gateway_server(settings, services) as server:
        response = server.post("/webhooks/action_gateway/webhook", action_call("action_nowhere"),
                               {"Content-Type": "application/json"})
    assert response.status_code == 404 and response.json()["action_name"] == "action_nowhere"


def test_a_down_action_server_gets_the_honest_reply(services: Services) -> None:
    with gateway_server(GatewaySettings(url=f"http://127.0.0.1:{free_port()}/webhook"), services) as server:
        assert call(server, action_call()) == UNAVAILABLE


def test_a_hanging_action_is_given_up_on_after_the_timeout(
    actions_under_test: ActionsUnderTest, services: Services
) -> None:
    actions_under_test.meet("hang")
    with gateway_server(actions_under_test.settings(timeout=0.5), services) as server:
        started = time.monotonic()
        answer = call(server, action_call())
        waited = time.monotonic() - started
        time.sleep(max(0.0, HANG_SECONDS - waited + 0.2))
    assert answer == UNAVAILABLE
    assert waited < 1.2


def test_other_calls_are_answered_while_an_action_hangs(services: Services, fault_switch: Path) -> None:
    """In process, a blocking action holds only its own worker thread, not the server."""
    settings = GatewaySettings(actions_module="tests.fakes.faulty_actions", timeout_seconds=5)
    faulty_actions.hang_started.clear()
    fault_switch.write_text("hang", encoding="utf-8")
    with gateway_server(settings, services) as server:
        hanging = threading.Thread(target=call, args=(server, action_call()))
        hanging.start()
        assert faulty_actions.hang_started.wait(10)
        fault_switch.unlink()
        started = time.monotonic()
        answer = call(server, action_call())
        waited = time.monotonic() - started
        hanging.join()
    assert essentials(answer) == ANSWER
    assert waited < HANG_SECONDS / 2


def test_a_second_failure_in_a_row_records_the_handoff(
    actions_under_test: ActionsUnderTest, services: Services
) -> None:
    actions_under_test.meet("raise")
    body = action_call(events=[unavailable_reply(), {"event": "user", "text": "hello?"}])
    with gateway_server(actions_under_test.settings(timeout=5), services) as server:
        answer = call(server, body)

    handoff = services.handoffs.active_for_conversation("c-1")
    assert handoff is not None and handoff.reason == "assistant_unavailable"
    assert answer["events"] == [{"event": "pause"}]
    assert handoff.id in answer["responses"][0]["text"]
    assert [line["text"] for line in handoff.transcript if line.get("text")][0] == "what about returns?"


def test_a_failed_handoff_action_is_recorded_at_once(services: Services) -> None:
    with gateway_server(GatewaySettings(url=f"http://127.0.0.1:{free_port()}/webhook"), services) as server:
        call(server, action_call("action_handoff"))
    assert services.handoffs.active_for_conversation("c-1") is not None


def test_unavailable_streak_counts_the_latest_fallback_replies_in_a_row() -> None:
    other = {"event": "bot", "text": "hi", "metadata": {"utter_action": "utter_greet"}}
    user = {"event": "user", "text": "x"}
    assert unavailable_streak([other, user, unavailable_reply(), user, unavailable_reply(), user], FALLBACK) == 2
    assert unavailable_streak([unavailable_reply(), other], FALLBACK) == 0
    assert unavailable_streak([], FALLBACK) == 0


def test_settings_run_the_actions_package_in_process_unless_given_a_url() -> None:
    assert GatewaySettings.from_credentials(None).actions_module == "actions"
    assert GatewaySettings.from_credentials({"actions_module": "shop_actions"}).actions_module == "shop_actions"
    remote = GatewaySettings.from_credentials({"url": "http://a/webhook"})
    assert (remote.url, remote.actions_module) == ("http://a/webhook", "")


@pytest.mark.parametrize("credentials", [
    {"url": ""}, {"url": "http://a/webhook", "actions_module": "actions"},
    {"url": "http://a/webhook", "timeout_seconds": 0}, {"handoff_after_failures": 0},
])
def test_settings_refuse_an_empty_url_both_modes_or_bad_numbers(credentials: Any) -> None:
    with pytest.raises(ValueError):
        GatewaySettings.from_credentials(credentials)
