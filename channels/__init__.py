"""Platform channels (Telegram, Slack, SMS) that carry customer messages into Rasa and replies out."""
