"""Request authenticity checks of the channels: Telegram's secret header, Twilio's and Slack's signatures.

Each refuses with a fixed reason (missing, stale, invalid) that the refusal log line can name.
"""

from __future__ import annotations

import hmac
import time
from typing import Callable, Optional

from slack_sdk.signature import SignatureVerifier
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


SLACK_MAX_AGE_S = 5 * 60
SLACK_SIGNATURE_HEADER = "X-Slack-Signature"
SLACK_TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"


class SlackSignature:
    """X-Slack-Signature over the timestamp and the raw body, with slack_sdk's verifier; requests
    older than five minutes are refused (replays), as Slack asks."""

    def __init__(self, signing_secret: str, now: Callable[[], float] = time.time) -> None:
        """Verify with the app's `signing_secret`; `now` gives the time in epoch seconds."""
        self._verifier = SignatureVerifier(signing_secret)
        self._now = now

    def check(self, body: bytes, timestamp: Optional[str], signature: Optional[str]) -> None:
        """Pass, or raise 401 for a missing, stale or invalid signature."""
        if not signature or not timestamp:
            raise RequestRejected(401, f"missing {SLACK_SIGNATURE_HEADER} or {SLACK_TIMESTAMP_HEADER}")
        try:
            sent_at = int(timestamp)
        except ValueError:
            raise RequestRejected(401, f"invalid {SLACK_TIMESTAMP_HEADER}") from None
        if abs(self._now() - sent_at) > SLACK_MAX_AGE_S:
            raise RequestRejected(401, f"stale {SLACK_TIMESTAMP_HEADER} (more than 5 minutes off)")
        try:
            expected = self._verifier.generate_signature(timestamp=timestamp, body=body)
        except UnicodeDecodeError:
            raise RequestRejected(400, "body is not valid UTF-8") from None
        if expected is None or not hmac.compare_digest(expected.encode("utf-8"), signature.encode("utf-8")):
            raise RequestRejected(401, f"invalid {SLACK_SIGNATURE_HEADER}")
