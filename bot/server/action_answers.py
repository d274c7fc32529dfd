"""What the action gateway gets from wherever the actions run: an answer to relay, or a failure."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Protocol


def decode_action_call(body: bytes, headers: Mapping[str, str]) -> Optional[Dict[str, Any]]:
    """The action call Rasa sent (deflated when Rasa compresses them), or None when unreadable."""
    try:
        if headers.get("Content-Encoding") == "deflate":
            body = zlib.decompress(body)
        call = json.loads(body or b"null")
    except (ValueError, zlib.error):
        return None
    return call if isinstance(call, dict) else None


class ActionUnavailable(Exception):
    """The actions could not answer (down, failing, unreadable answer); the message says why."""


@dataclass(frozen=True)
class ActionAnswer:
    """An answer as the action server's HTTP reply: status, body and its content type."""

    status: int
    payload: bytes
    content_type: str = "application/json"

    @classmethod
    def of_json(cls, body: Any, status: int = 200) -> "ActionAnswer":
        """An answer with `body` as JSON (raises TypeError/ValueError when it is not serialisable)."""
        return cls(status, json.dumps(body).encode("utf-8"))


class ActionRunner(Protocol):
    """Runs one action call: in this process, or at a separate action server."""

    @property
    def target(self) -> str:
        """Where calls go, for logs."""

    async def run(self, body: bytes, headers: Mapping[str, str]) -> ActionAnswer:
        """Answer the call, or raise `ActionUnavailable`."""

    async def run_call(self, call: Dict[str, Any]) -> ActionAnswer:
        """Answer a call already decoded (Rasa in this process), or raise `ActionUnavailable`."""

    async def close(self) -> None:
        """Release what the runner holds."""
