"""The shipped Slack app manifest matches the routes and events the Slack channel handles."""

from __future__ import annotations

from pathlib import Path

import yaml

MANIFEST = Path(__file__).resolve().parents[2] / "channels" / "slack_manifest.yml"


def test_manifest_points_at_our_routes_with_the_scopes_we_need():
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    settings = manifest["settings"]
    assert settings["event_subscriptions"]["request_url"].endswith("/webhooks/slack/events")
    assert settings["interactivity"]["request_url"].endswith("/webhooks/slack/interactive")
    assert settings["interactivity"]["is_enabled"] is True
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im"}
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"chat:write", "app_mentions:read", "im:history"} <= scopes
    assert settings["socket_mode_enabled"] is False
