"""Custom Rasa NLU components named in config.yml (sentence patterns and counts, sentence encoder, intent classifier, frustration).

May import: the bot core (bot.*, not bot.trainer or bot.launcher) and Rasa."""
