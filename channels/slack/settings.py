"""Slack channel settings: bot token, signing secret, Web API base URL and pacing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Dict, Mapping, Optional

from channels.config_values import SettingsFromEnv, optional_value, pacing, required_secret

DEFAULT_API_BASE_URL = "https://slack.com/api/"
ENV_VARS = {"bot_token": "SLACK_BOT_TOKEN", "signing_secret": "SLACK_SIGNING_SECRET"}


@dataclass(frozen=True)
class SlackSettings(SettingsFromEnv):
    """Everything the Slack channel needs to verify requests and post replies."""

    ENV_VARS: ClassVar[Dict[str, str]] = ENV_VARS

    bot_token: str
    signing_secret: str
    api_base_url: str = DEFAULT_API_BASE_URL
    pace_per_s: float = 1.0
    pace_burst: int = 3

    @classmethod
    def from_credentials(
        cls, credentials: Optional[Mapping[str, Any]], env: Mapping[str, str]
    ) -> "SlackSettings":
        """Secrets from the credentials.yml block (required), tuning from it or the environment."""
        base_url = optional_value(
            credentials, "api_base_url", env, "SLACK_API_BASE_URL", DEFAULT_API_BASE_URL
        )
        rate, burst = pacing(credentials, env, "SLACK")
        return cls(
            bot_token=required_secret(credentials, "bot_token", "slack", ENV_VARS["bot_token"]),
            signing_secret=required_secret(
                credentials, "signing_secret", "slack", ENV_VARS["signing_secret"]
            ),
            api_base_url=base_url.rstrip("/") + "/",
            pace_per_s=rate,
            pace_burst=burst,
        )
