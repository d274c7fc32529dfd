"""Tests for bot/launcher/port_check.py: a second assistant on taken ports refuses to start and
says which port, which variable moves it, and that nothing was started."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Iterator

import pytest

from bot.launcher.port_check import port_is_free, ports_in_use_message
from bot.launcher.processes import AssistantProcesses, StartupError
from bot.server.local_ports import LocalPorts
from tests.local_services import free_port


@pytest.fixture
def listening_port() -> Iterator[int]:
    """A loopback port some other server listens on for the test's duration."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def test_a_listening_port_is_taken_and_an_unused_one_free(listening_port: int) -> None:
    assert not port_is_free(listening_port)
    assert port_is_free(free_port())


def test_the_message_names_each_taken_port_with_its_variable(listening_port: int) -> None:
    free = LocalPorts(rasa=free_port(), actions=free_port(), desk=free_port(), review=free_port())
    assert ports_in_use_message(free, with_action_server=True) is None

    one = LocalPorts(rasa=listening_port, actions=free_port(), desk=free_port(), review=free_port())
    message = ports_in_use_message(one) or ""
    assert message.startswith(f"Port {listening_port} (BRIGHTWAY_RASA_PORT) is already in use on 127.0.0.1")
    assert "BRIGHTWAY_VAR_DIR" in message

    both = LocalPorts(rasa=free_port(), actions=listening_port, desk=listening_port, review=free_port())
    assert (ports_in_use_message(both) or "").startswith(f"Port {listening_port} (BRIGHTWAY_DESK_PORT) is")
    assert (ports_in_use_message(both, with_action_server=True) or "").startswith(
        f"Ports {listening_port} (BRIGHTWAY_DESK_PORT), {listening_port} (BRIGHTWAY_ACTIONS_PORT) are"
    )


def test_start_refuses_a_taken_desk_port_before_starting_anything(listening_port: int, tmp_path: Path) -> None:
    """Before, the other assistant's desk answered this one's readiness check and all seemed well."""
    processes = AssistantProcesses(
        model=tmp_path / "model.tar.gz", var_dir=tmp_path / "var", rasa_port=free_port(),
        desk_port=listening_port, review_port=free_port(), environ={},
    )
    with pytest.raises(StartupError, match=f"^Port {listening_port} \\(BRIGHTWAY_DESK_PORT\\) is already in use"):
        processes.start(timeout=3)
    assert list((tmp_path / "var").glob("*.log")) == [], "no process was started"
    assert processes.first_ended() is None


def test_the_example_moves_every_port_away_from_the_taken_ones(listening_port: int) -> None:
    ports = LocalPorts(rasa=listening_port, actions=free_port(), desk=5057, review=65500)
    message = ports_in_use_message(ports) or ""
    assert f"BRIGHTWAY_RASA_PORT={listening_port + 100 if listening_port <= 65435 else listening_port - 100} " in message
    assert "BRIGHTWAY_DESK_PORT=5157 BRIGHTWAY_REVIEW_PORT=65400 BRIGHTWAY_VAR_DIR=var2 make run." in message
