"""The real assistant (`rasa run`, action server, desk) with our three channels on, talking to the fakes."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, Mapping, Optional

import yaml

from bot.launcher.processes import AssistantProcesses, plan_channels
from tests.desk_hours import write_test_settings
from tests.e2e.running_assistant import RunningAssistant, free_port
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.twilio_api import FakeTwilioApi
from tests.process_env import user_environment

CHANNEL_CREDENTIALS: Dict[str, Any] = {
    "channels.telegram.TelegramInput": {
        "bot_token": "${TELEGRAM_BOT_TOKEN}",
        "webhook_secret": "${TELEGRAM_WEBHOOK_SECRET}",
    },
    "channels.slack.SlackInput": {
        "bot_token": "${SLACK_BOT_TOKEN}",
        "signing_secret": "${SLACK_SIGNING_SECRET}",
    },
    "channels.sms.SmsInput": {
        "account_sid": "${TWILIO_ACCOUNT_SID}",
        "auth_token": "${TWILIO_AUTH_TOKEN}",
        "from_number": "${TWILIO_FROM_NUMBER}",
    },
}


@dataclass(frozen=True)
class PlatformSecrets:
    """Credentials the fakes accept and the webhooks are signed with."""

    telegram_token: str = "123456:E2E-token"
    telegram_secret: str = "e2e_secret_token"
    slack_token: str = "xoxb-e2e"
    slack_secret: str = "e2e-signing-secret"
    account_sid: str = "AC" + "e" * 32
    auth_token: str = "e2e-twilio-token"
    sms_number: str = "+15557654321"
    sms_public_url: str = "https://bot.brightway.example/webhooks/sms/webhook"


@dataclass
class PlatformFakes:
    """The three fake APIs."""

    telegram: FakeTelegramApi
    slack: FakeSlackApi
    twilio: FakeTwilioApi


@contextmanager
def platform_fakes(secrets: PlatformSecrets) -> Iterator[PlatformFakes]:
    """Start the three fake APIs on loopback."""
    with FakeTelegramApi(secrets.telegram_token) as telegram, FakeSlackApi(
        secrets.slack_token
    ) as slack, FakeTwilioApi(secrets.account_sid, secrets.auth_token) as twilio:
        yield PlatformFakes(telegram, slack, twilio)


def channel_env(secrets: PlatformSecrets, fakes: PlatformFakes, var_dir: Path) -> Dict[str, str]:
    """The environment that switches the three channels on against the fakes (desk open around the clock)."""
    env = user_environment()
    env.update(
        {
            "BRIGHTWAY_DB_URL": f"sqlite:///{var_dir / 'brightway.db'}",
            "BRIGHTWAY_SETTINGS": str(write_test_settings(var_dir)),
            "TELEGRAM_BOT_TOKEN": secrets.telegram_token,
            "TELEGRAM_WEBHOOK_SECRET": secrets.telegram_secret,
            "TELEGRAM_API_BASE_URL": fakes.telegram.url,
            "SLACK_BOT_TOKEN": secrets.slack_token,
            "SLACK_SIGNING_SECRET": secrets.slack_secret,
            "SLACK_API_BASE_URL": fakes.slack.api_url,
            "TWILIO_ACCOUNT_SID": secrets.account_sid,
            "TWILIO_AUTH_TOKEN": secrets.auth_token,
            "TWILIO_FROM_NUMBER": secrets.sms_number,
            "TWILIO_API_BASE_URL": fakes.twilio.url,
            "TWILIO_WEBHOOK_URL": secrets.sms_public_url,
        }
    )
    return env


@contextmanager
def assistant_with_channels(
    model: Path,
    var_dir: Path,
    secrets: PlatformSecrets,
    fakes: PlatformFakes,
    extra_env: Optional[Mapping[str, str]] = None,
) -> Iterator[RunningAssistant]:
    """The assistant with REST and our three channels on (whatever credentials.yml says today)."""
    env = {**channel_env(secrets, fakes, var_dir), **(extra_env or {})}
    processes = AssistantProcesses(
        model=model, var_dir=var_dir, rasa_port=free_port(), actions_port=free_port(),
        desk_port=free_port(), review_port=free_port(), environ=env,
    )
    credentials = var_dir / "channel-credentials.yml"
    credentials.write_text(yaml.safe_dump({"rest": None, **CHANNEL_CREDENTIALS}), encoding="utf-8")
    processes.channels = plan_channels(credentials, env)
    processes.start()
    try:
        yield RunningAssistant(processes=processes, db_url=env["BRIGHTWAY_DB_URL"])
    finally:
        processes.stop()
