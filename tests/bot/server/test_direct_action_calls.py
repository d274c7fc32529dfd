"""Rasa's requests to the server's own action gateway become direct calls (no HTTP), with the same
answers, rejections and honest fallbacks; any other endpoint still goes over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot.server import direct_action_calls
from bot.server.action_gateway import ActionGateway, ActionGatewayInput, GatewaySettings
from bot.services import Services
from tests.e2e.running_assistant import free_port
from tests.fakes.faulty_actions import FIXED_TEXT
from tests.fakes.rasa_app import ChannelServer

CALL = {
    "next_action": "action_fixed_answer", "sender_id": "c-1", "domain": {},
    "tracker": {"sender_id": "c-1", "latest_input_channel": "rest", "latest_message": {"metadata": {}},
                "events": [{"event": "user", "text": "what about returns?", "timestamp": 1.0}]},
}


class NoHttp(Exception):
    """Raised when Rasa's endpoint opens an HTTP session."""


@pytest.fixture
def server(services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ChannelServer]:
    """A server with the gateway running the faulty test actions in process; Rasa's HTTP sessions
    fail, so only a direct call can answer."""
    monkeypatch.setenv("FAULTY_ACTIONS_SWITCH", str(tmp_path / "fault"))
    direct_action_calls.install()

    def no_session(_: EndpointConfig) -> Any:
        raise NoHttp()

    monkeypatch.setattr(EndpointConfig, "session", no_session)
    settings = GatewaySettings(actions_module="tests.fakes.faulty_actions", timeout_seconds=5)
    with ChannelServer([ActionGatewayInput(ActionGateway(settings, services.handoff_service))]) as running:
        yield running


def rasa_request(server: ChannelServer, url: str) -> Any:
    """What Rasa's RemoteAction does: POST the call to the action endpoint, on the server's loop."""
    return server.run_in_loop(EndpointConfig(url).request(json=CALL, method="post", timeout=300))


def test_a_call_to_the_own_gateway_is_answered_without_http(server: ChannelServer) -> None:
    for host in ("127.0.0.1", "localhost"):
        answer = rasa_request(server, f"http://{host}:{server.port}/webhooks/action_gateway/webhook")
        assert answer["responses"][0]["text"] == FIXED_TEXT
        assert [(e["name"], e["value"]) for e in answer["events"]] == [("x", 1)]


def test_a_rejection_reaches_rasa_as_its_400(server: ChannelServer, tmp_path: Path) -> None:
    (tmp_path / "fault").write_text("reject", encoding="utf-8")
    with pytest.raises(ClientResponseError) as rejected:
        rasa_request(server, f"http://127.0.0.1:{server.port}/webhooks/action_gateway/webhook")
    assert rejected.value.status == 400
    assert json.loads(rejected.value.text)["action_name"] == "action_fixed_answer"


def test_failing_action_code_gets_the_honest_fallback(server: ChannelServer, tmp_path: Path) -> None:
    (tmp_path / "fault").write_text("raise", encoding="utf-8")
    answer = rasa_request(server, f"http://127.0.0.1:{server.port}/webhooks/action_gateway/webhook")
    assert answer == {"events": [], "responses": [{"response": "utter_action_unavailable"}]}


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:{other}/webhooks/action_gateway/webhook",
    "http://actions.example:{port}/webhooks/action_gateway/webhook",
    "http://127.0.0.1:{port}/webhook",
])
def test_any_other_endpoint_still_goes_over_http(server: ChannelServer, url: str) -> None:
    with pytest.raises(NoHttp):
        rasa_request(server, url.format(port=server.port, other=free_port()))


def test_after_the_server_stops_calls_go_over_http_again(services: Services) -> None:
    direct_action_calls.install()
    settings = GatewaySettings(actions_module="tests.fakes.faulty_actions", timeout_seconds=5)
    with ChannelServer([ActionGatewayInput(ActionGateway(settings, services.handoff_service))]) as running:
        url = f"http://127.0.0.1:{running.port}/webhooks/action_gateway/webhook"
        assert direct_action_calls.local_gateway_for(url) is not None
    assert direct_action_calls.local_gateway_for(url) is None
