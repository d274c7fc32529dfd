"""The local ports of the assistant's processes, read from the environment in one place.

`python -m bot run` starts its servers on these ports, and every local client (`bot chat`,
`bot.trainer watch`, the review app) finds the Rasa server through `rasa_url`, so two
assistants on one machine (`BRIGHTWAY_RASA_PORT=5105 make run`) never talk to each other.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

LOCAL_HOST = "127.0.0.1"
PORT_VARIABLES = {
    "rasa": ("BRIGHTWAY_RASA_PORT", 5005),
    "actions": ("BRIGHTWAY_ACTIONS_PORT", 5055),
    "desk": ("BRIGHTWAY_DESK_PORT", 5057),
    "review": ("BRIGHTWAY_REVIEW_PORT", 8080),
}


class PortSettingError(ValueError):
    """A port variable that is not a number from 1 to 65535; the message names the variable."""


@dataclass(frozen=True)
class LocalPorts:
    """The port of each local process."""

    rasa: int
    actions: int
    desk: int
    review: int


def is_port_number(text: str) -> bool:
    """Whether `text` is a TCP port number, 1 to 65535 (the rule every port setting and option follows)."""
    return text.isascii() and text.isdigit() and 1 <= int(text) <= 65535


def port_from_env(variable: str, default: int, environ: Mapping[str, str]) -> int:
    """`environ[variable]` as a port number, or `default` when unset or blank."""
    raw = (environ.get(variable) or "").strip()
    if not raw:
        return default
    if not is_port_number(raw):
        raise PortSettingError(f"{variable}={raw!r} is not a port number: set it to a number from 1 to 65535, or unset it.")
    return int(raw)


def local_ports(environ: Optional[Mapping[str, str]] = None) -> LocalPorts:
    """The ports `bot run` uses: BRIGHTWAY_RASA_PORT, _ACTIONS_PORT, _DESK_PORT, _REVIEW_PORT or the defaults."""
    env = os.environ if environ is None else environ
    return LocalPorts(**{name: port_from_env(variable, default, env) for name, (variable, default) in PORT_VARIABLES.items()})


def chat_command(rasa_port: int) -> str:
    """The command that reaches a `bot run` serving Rasa on `rasa_port` (naming the port when it is not the default)."""
    variable, default = PORT_VARIABLES["rasa"]
    return "make chat" if rasa_port == default else f"{variable}={rasa_port} make chat"


def rasa_url(environ: Optional[Mapping[str, str]] = None) -> str:
    """The URL of the Rasa server `bot run` starts with the same environment."""
    return f"http://{LOCAL_HOST}:{local_ports(environ).rasa}"
