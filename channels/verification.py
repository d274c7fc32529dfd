"""Request authenticity checks shared by the channels (Slack's is slack-bolt's own middleware)."""

from __future__ import annotations

import hmac
from typing import Optional

from twilio.request_validator import RequestValidator

from channels.request_body import FormFields, RequestRejected


def check_secret_token(given: Optional[str], expected: str, header: str) -> None:
    """Constant-time comparison of a shared secret header (Telegram's secret_token), else 403."""
    if not given or not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise RequestRejected(403, f"missing or wrong {header}")


class TwilioSignature:
    """X-Twilio-Signature over the URL Twilio called and the form fields, with twilio's validator."""

    def __init__(self, auth_token: str, public_url: str = "") -> None:
        """Validate with `auth_token`; `public_url` is the webhook URL as Twilio sees it (proxies)."""
        self._validator = RequestValidator(auth_token)
        self._public_url = public_url

    def check(self, request_url: str, fields: FormFields, signature: Optional[str]) -> None:
        """Pass, or raise 403 for a missing signature or one made for other fields or another URL."""
        if not signature:
            raise RequestRejected(403, "missing X-Twilio-Signature")
        if not self._validator.validate(self._public_url or request_url, fields, signature):
            raise RequestRejected(403, "invalid X-Twilio-Signature")
