"""SMS (Twilio) channel settings: account, sender number, public webhook URL, API base URL, keyword replies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Dict, Mapping, Optional

from channels.config_values import (
    ChannelConfigError,
    SettingsFromEnv,
    optional_value,
    required_secret,
)

DEFAULT_API_BASE_URL = "https://api.twilio.com"
ENV_VARS = {
    "account_sid": "TWILIO_ACCOUNT_SID",
    "auth_token": "TWILIO_AUTH_TOKEN",
    "from_number": "TWILIO_FROM_NUMBER",
}
DEFAULT_HELP_REPLY = (
    "Brightway support: text your question any time and we'll answer. "
    "Reply STOP to unsubscribe. Msg&data rates may apply."
)
DEFAULT_STOP_REPLY = (
    "You're unsubscribed from Brightway texts and won't get more messages. Reply START to resubscribe."
)
DEFAULT_START_REPLY = "You're resubscribed to Brightway texts. How can we help?"


@dataclass(frozen=True)
class SmsSettings(SettingsFromEnv):
    """Everything the SMS channel needs to verify Twilio's requests and send texts."""

    ENV_VARS: ClassVar[Dict[str, str]] = ENV_VARS

    account_sid: str
    auth_token: str
    from_number: str = ""
    messaging_service_sid: str = ""
    webhook_url: str = ""
    api_base_url: str = DEFAULT_API_BASE_URL
    help_reply: str = DEFAULT_HELP_REPLY
    stop_reply: str = DEFAULT_STOP_REPLY
    start_reply: str = DEFAULT_START_REPLY

    @classmethod
    def from_credentials(
        cls, credentials: Optional[Mapping[str, Any]], env: Mapping[str, str]
    ) -> "SmsSettings":
        """Secrets from the credentials.yml block (required); a sender number or messaging service."""
        from_number = optional_value(credentials, "from_number", env, "TWILIO_FROM_NUMBER", "")
        service = optional_value(
            credentials, "messaging_service_sid", env, "TWILIO_MESSAGING_SERVICE_SID", ""
        )
        if not from_number and not service:
            raise ChannelConfigError(
                "The sms channel needs a sender: set TWILIO_FROM_NUMBER (your Twilio number, "
                "e.g. +15557654321) or TWILIO_MESSAGING_SERVICE_SID, or leave the sms channel out."
            )
        return cls(
            account_sid=required_secret(credentials, "account_sid", "sms", ENV_VARS["account_sid"]),
            auth_token=required_secret(credentials, "auth_token", "sms", ENV_VARS["auth_token"]),
            from_number=from_number,
            messaging_service_sid=service,
            webhook_url=optional_value(credentials, "webhook_url", env, "TWILIO_WEBHOOK_URL", ""),
            api_base_url=optional_value(
                credentials, "api_base_url", env, "TWILIO_API_BASE_URL", DEFAULT_API_BASE_URL
            ).rstrip("/"),
            help_reply=optional_value(credentials, "help_reply", env, "SMS_HELP_REPLY", DEFAULT_HELP_REPLY),
            stop_reply=optional_value(credentials, "stop_reply", env, "SMS_STOP_REPLY", DEFAULT_STOP_REPLY),
            start_reply=optional_value(
                credentials, "start_reply", env, "SMS_START_REPLY", DEFAULT_START_REPLY
            ),
        )
