"""`bot.server.rasa_http_api.api_token`: the one reader of the Rasa HTTP API token."""

from __future__ import annotations

from pathlib import Path

from bot.server.rasa_http_api import api_token


def test_the_environment_wins_and_nothing_is_written(tmp_path: Path) -> None:
    assert api_token(tmp_path, {"RASA_API_TOKEN": "from-env"}) == "from-env"
    assert not (tmp_path / "api_token").exists()


def test_first_run_makes_a_private_token_that_later_reads_return(tmp_path: Path) -> None:
    token = api_token(tmp_path / "var", {})
    token_file = tmp_path / "var" / "api_token"
    assert len(token) >= 24
    assert token_file.stat().st_mode & 0o777 == 0o600
    assert api_token(tmp_path / "var", {}) == token
    assert api_token(tmp_path / "var", {}, create=False) == token


def test_a_token_written_by_older_code_is_read_as_is(tmp_path: Path) -> None:
    (tmp_path / "api_token").write_text("ab12cd34\n", encoding="utf-8")
    assert api_token(tmp_path, {}) == "ab12cd34"


def test_a_client_without_a_token_gets_none_and_makes_none(tmp_path: Path) -> None:
    assert api_token(tmp_path, {}, create=False) == ""
    assert not (tmp_path / "api_token").exists()
