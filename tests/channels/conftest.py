"""Channel test fixtures: a guard against non-loopback network use, and per-test settings."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

_real_getaddrinfo = socket.getaddrinfo
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(host: Any) -> bool:
    if host in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[List[str]]:
    """Fail any test that resolves or connects to a host outside 127.0.0.0/8 and ::1."""
    blocked: List[str] = []

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_loopback(host):
            blocked.append(str(host))
            raise OSError(f"test tried to reach {host!r}: only loopback is allowed in tests")
        return _real_getaddrinfo(host, *args, **kwargs)

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            blocked.append(str(address[0]))
            raise OSError(f"test tried to connect to {address[0]!r}: only loopback is allowed")

    def guarded_connect(sock: socket.socket, address: Any) -> Any:
        check(sock, address)
        return _real_connect(sock, address)

    def guarded_connect_ex(sock: socket.socket, address: Any) -> Any:
        check(sock, address)
        return _real_connect_ex(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    yield blocked
    assert not blocked, f"tests must stay on loopback, but tried: {blocked}"


@pytest.fixture
def channel_env(tmp_path: Path) -> Dict[str, str]:
    """Environment for one test: its own SQLite file, fast retries."""
    return {
        "BRIGHTWAY_DB_URL": f"sqlite:///{tmp_path / 'channels.db'}",
        "BRIGHTWAY_SETTINGS": str(tmp_path / "no-settings.yml"),
        "BRIGHTWAY_SEND_BACKOFF_SECONDS": "0.01",
        "BRIGHTWAY_SEND_BACKOFF_MAX_SECONDS": "0.05",
        "BRIGHTWAY_SEND_MAX_ATTEMPTS": "3",
        "BRIGHTWAY_RETRY_AFTER_MAX_SECONDS": "0.05",
    }
