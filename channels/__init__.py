"""Platform channels (Telegram, Slack, SMS, and the guarded REST channel) that carry customer
messages into Rasa and replies out.

May import: the bot core (not bot.trainer or bot.launcher), the rest of channels and the platforms' SDKs."""
