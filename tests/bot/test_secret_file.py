"""Tests for bot/secret_file.py."""

from __future__ import annotations

from pathlib import Path

from bot.secret_file import read_or_create_secret


def test_created_once_private_and_then_reused(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secret"
    first = read_or_create_secret(path)
    assert len(first) >= 48 and path.stat().st_mode & 0o777 == 0o600
    assert read_or_create_secret(path) == first
