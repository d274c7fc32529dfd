"""The slack-bolt app behind our Slack endpoints (the customer channel and the agents' desk)."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp


def bolt_app(token: str, signing_secret: str, api_base_url: str, logger_name: str) -> AsyncApp:
    """A bolt app for our endpoints: no request verification of its own (ours comes first, see
    `channels.verification.SlackSignature`), acking before listeners run (Slack's 3 s).

    Bolt builds its Web API client from `token` (given a client instead, it warns at every start
    that the SLACK_BOT_TOKEN it also reads is unused); the client is then pointed at `api_base_url`.
    """
    app = AsyncApp(
        token=token,
        signing_secret=signing_secret,
        process_before_response=False,
        request_verification_enabled=False,
        logger=logging.getLogger(logger_name),
    )
    app.client.base_url = api_base_url
    return app
