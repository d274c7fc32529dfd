"""Is each port the launcher is about to serve on still free?

Without this check a second `make run` on the same ports found the first one's servers answering
its readiness checks, said "running" while its own servers had failed to bind, and shared the
first one's run folder.
"""

from __future__ import annotations

import errno
import socket
from typing import Dict, List, Optional

from bot.server.local_ports import LOCAL_HOST, PORT_VARIABLES, LocalPorts


def port_is_free(port: int, host: str = LOCAL_HOST) -> bool:
    """True when a server could listen on `host:port` now (a port left in TIME_WAIT counts as free)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def ports_in_use_message(ports: LocalPorts, with_action_server: bool = False) -> Optional[str]:
    """None when every port the assistant needs is free, else what is taken and how to move off it."""
    wanted: Dict[str, int] = {"rasa": ports.rasa, "desk": ports.desk, "review": ports.review}
    if with_action_server:
        wanted["actions"] = ports.actions
    busy: List[str] = [
        f"{port} ({PORT_VARIABLES[name][0]})" for name, port in wanted.items() if not port_is_free(port)
    ]
    if not busy:
        return None
    ports_are = f"Port {busy[0]} is" if len(busy) == 1 else f"Ports {', '.join(busy)} are"
    return (
        f"{ports_are} already in use on {LOCAL_HOST}: is the assistant already running "
        "(make run in another terminal)? Stop it, or start this one on other ports and its own run "
        f"folder, e.g. {' '.join(f'{PORT_VARIABLES[name][0]}={_elsewhere(port)}' for name, port in wanted.items())} "
        "BRIGHTWAY_VAR_DIR=var2 make run."
    )


def _elsewhere(port: int) -> int:
    """A port 100 away from `port`, for the example in the message."""
    return port + 100 if port + 100 <= 65535 else port - 100
