"""Slack channel on slack-bolt (credentials.yml key: `channels.slack.SlackInput`)."""

from channels.slack.input import SlackInput
from channels.slack.output import SlackOutput
from channels.slack.settings import SlackSettings

__all__ = ["SlackInput", "SlackOutput", "SlackSettings"]
