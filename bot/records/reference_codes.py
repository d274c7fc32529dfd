"""Short, unambiguous reference codes customers can read out over the phone."""

from __future__ import annotations

import secrets

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference(prefix: str, length: int = 6) -> str:
    """A random code like `CS-7KQ2MX` (no 0/O or 1/I to confuse)."""
    return f"{prefix}-" + "".join(secrets.choice(_ALPHABET) for _ in range(length))
