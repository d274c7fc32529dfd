"""The webhook registration command, against the fake Bot API."""

from __future__ import annotations

from typing import Dict

from channels.telegram.webhook import main
from tests.fakes.telegram_api import FakeTelegramApi

URL = "https://bot.brightway.example/webhooks/telegram/webhook"


def test_set_info_and_delete(capsys, channel_env: Dict[str, str]):
    with FakeTelegramApi("1:tok") as api:
        env = {"TELEGRAM_BOT_TOKEN": "1:tok", "TELEGRAM_WEBHOOK_SECRET": "secret_1", "TELEGRAM_API_BASE_URL": api.url}
        assert main(["set", "--url", URL], env) == 0
        registered = dict(api.webhook)
        assert main(["info"], env) == 0
        assert main(["delete"], env) == 0
    output = capsys.readouterr().out
    assert registered["url"] == URL
    assert registered["secret_token"] == "secret_1"
    assert registered["allowed_updates"] == '["message", "callback_query"]'
    assert f"url: {URL}" in output
    assert "Webhook removed." in output


def test_missing_configuration_and_plain_http_are_refused(capsys):
    assert main(["set", "--url", URL], {}) == 2
    assert main(["set", "--url", "http://insecure.example/webhooks/telegram/webhook"], {}) == 2
    errors = capsys.readouterr().err
    assert "TELEGRAM_WEBHOOK_SECRET" in errors
    assert "https://" in errors


def test_rejected_token_is_reported(capsys):
    with FakeTelegramApi("1:tok") as api:
        env = {"TELEGRAM_BOT_TOKEN": "2:other", "TELEGRAM_WEBHOOK_SECRET": "s", "TELEGRAM_API_BASE_URL": api.url}
        assert main(["info"], env) == 1
    assert "Telegram refused" in capsys.readouterr().err
