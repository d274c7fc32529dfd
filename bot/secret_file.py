"""Secrets generated once and kept in a private file, so local runs need no configuration."""

from __future__ import annotations

import secrets
from pathlib import Path


def read_or_create_secret(path: Path, nbytes: int = 48) -> str:
    """The secret stored in `path`; on first use a random one is written there (mode 0600)."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(nbytes)
    path.write_text(secret + "\n", encoding="utf-8")
    path.chmod(0o600)
    return secret
