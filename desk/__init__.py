"""The agents' side (`python -m desk`): relay, hold monitor, desk service, its server, the Slack agents' desk.

May import: the bot core and channels."""
