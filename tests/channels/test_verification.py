"""Signature and secret checks against the platforms' published vectors."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from slack_sdk.signature import Clock, SignatureVerifier

from channels.request_body import FormFields, RequestRejected
from channels.verification import SlackSignature, TwilioSignature, check_secret_token
from tests.fakes import payloads

# Twilio's documented example (https://www.twilio.com/docs/usage/security#validating-requests).
TWILIO_TOKEN = "12345"
TWILIO_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+12349013030",
    "Digits": "1234",
    "From": "+12349013030",
    "To": "+18005551212",
}
TWILIO_SIGNATURE = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="

# Slack's documented example (https://api.slack.com/authentication/verifying-requests-from-slack).
SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_TIMESTAMP = 1531420618
SLACK_BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    b"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    b"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
SLACK_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


class FixedClock(Clock):
    """slack_sdk's clock, stopped at one instant."""

    def __init__(self, instant: float) -> None:
        self.instant = instant

    def now(self) -> float:
        return self.instant


def _fields(params):
    return FormFields({key: [value] for key, value in params.items()})


def test_twilio_documented_vector_passes():
    TwilioSignature(TWILIO_TOKEN, TWILIO_URL).check("http://10.0.0.5/ignored", _fields(TWILIO_PARAMS), TWILIO_SIGNATURE)


def test_twilio_checks_the_request_url_without_a_public_url():
    TwilioSignature(TWILIO_TOKEN).check(TWILIO_URL, _fields(TWILIO_PARAMS), TWILIO_SIGNATURE)


@pytest.mark.parametrize(
    "url, params, signature",
    [
        ("https://mycompany.com/other.php?foo=1&bar=2", TWILIO_PARAMS, TWILIO_SIGNATURE),
        (TWILIO_URL, {**TWILIO_PARAMS, "Digits": "9999"}, TWILIO_SIGNATURE),
        (TWILIO_URL, TWILIO_PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        (TWILIO_URL, TWILIO_PARAMS, ""),
        (TWILIO_URL, TWILIO_PARAMS, None),
    ],
)
def test_twilio_other_url_fields_or_signature_are_refused(url, params, signature):
    with pytest.raises(RequestRejected) as refused:
        TwilioSignature(TWILIO_TOKEN, url).check(url, _fields(params), signature)
    assert refused.value.status == 403


def test_our_twilio_payload_signer_matches_twilio():
    _, headers = payloads.twilio_signed_request(TWILIO_TOKEN, TWILIO_URL, TWILIO_PARAMS)
    assert headers["X-Twilio-Signature"] == TWILIO_SIGNATURE


def test_slack_documented_vector_with_bolts_verifier_and_our_signer():
    in_time = SignatureVerifier(SLACK_SECRET, clock=FixedClock(SLACK_TIMESTAMP + 10))
    assert in_time.is_valid(SLACK_BODY, str(SLACK_TIMESTAMP), SLACK_SIGNATURE)
    too_late = SignatureVerifier(SLACK_SECRET, clock=FixedClock(SLACK_TIMESTAMP + 301))
    assert not too_late.is_valid(SLACK_BODY, str(SLACK_TIMESTAMP), SLACK_SIGNATURE)
    headers = payloads.slack_signature_headers(SLACK_SECRET, SLACK_BODY, SLACK_TIMESTAMP)
    assert headers["X-Slack-Signature"] == SLACK_SIGNATURE


def test_telegram_secret_token_is_compared_exactly():
    check_secret_token("s3cret_token-1", "s3cret_token-1", "X-Telegram-Bot-Api-Secret-Token")
    for given in ["s3cret_token-2", "", None, "s3cret_token-1 "]:
        with pytest.raises(RequestRejected) as refused:
            check_secret_token(given, "s3cret_token-1", "X-Telegram-Bot-Api-Secret-Token")
        assert refused.value.status == 403


def test_slack_signature_is_hmac_sha256_of_the_base_string():
    expected = hmac.new(SLACK_SECRET.encode(), b"v0:%d:" % SLACK_TIMESTAMP + SLACK_BODY, hashlib.sha256).hexdigest()
    assert SLACK_SIGNATURE == f"v0={expected}"


def test_our_slack_check_passes_the_documented_vector_within_five_minutes():
    for offset in (-300, 10, 300):
        SlackSignature(SLACK_SECRET, lambda: SLACK_TIMESTAMP + offset).check(
            SLACK_BODY, str(SLACK_TIMESTAMP), SLACK_SIGNATURE
        )


@pytest.mark.parametrize(
    "body, timestamp, signature, now, reason",
    [
        (SLACK_BODY, None, SLACK_SIGNATURE, SLACK_TIMESTAMP, "missing X-Slack-Signature"),
        (SLACK_BODY, str(SLACK_TIMESTAMP), "", SLACK_TIMESTAMP, "missing X-Slack-Signature"),
        (SLACK_BODY, "yesterday", SLACK_SIGNATURE, SLACK_TIMESTAMP, "invalid X-Slack-Request-Timestamp"),
        (SLACK_BODY, str(SLACK_TIMESTAMP), SLACK_SIGNATURE, SLACK_TIMESTAMP + 301, "stale X-Slack-Request-Timestamp"),
        (SLACK_BODY, str(SLACK_TIMESTAMP), SLACK_SIGNATURE, SLACK_TIMESTAMP - 301, "stale X-Slack-Request-Timestamp"),
        (SLACK_BODY + b"&x=1", str(SLACK_TIMESTAMP), SLACK_SIGNATURE, SLACK_TIMESTAMP, "invalid X-Slack-Signature"),
        (SLACK_BODY, str(SLACK_TIMESTAMP), "v0=\u00e9t\u00e9", SLACK_TIMESTAMP, "invalid X-Slack-Signature"),
    ],
)
def test_our_slack_check_names_why_it_refuses(body, timestamp, signature, now, reason):
    with pytest.raises(RequestRejected) as refused:
        SlackSignature(SLACK_SECRET, lambda: now).check(body, timestamp, signature)
    assert refused.value.status == 401
    assert refused.value.reason.startswith(reason)
