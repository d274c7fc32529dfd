"""The guard in conftest.py stops tests from reaching real platform hosts."""

from __future__ import annotations

import socket

import pytest


def test_real_hosts_are_blocked_and_loopback_is_allowed(loopback_only):
    with pytest.raises(OSError, match="only loopback"):
        socket.getaddrinfo("api.telegram.org", 443)
    with pytest.raises(OSError, match="only loopback"):
        socket.create_connection(("203.0.113.7", 443), timeout=0.1)
    assert socket.getaddrinfo("127.0.0.1", 80)
    loopback_only.clear()
