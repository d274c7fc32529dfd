"""Slack channel on slack-bolt (credentials.yml key: `channels.slack.SlackInput`).

May import: the bot core and the rest of channels."""

from channels.slack.input import SlackInput
from channels.slack.output import SlackOutput
from channels.slack.settings import SlackSettings

__all__ = ["SlackInput", "SlackOutput", "SlackSettings"]
