"""Thin Rasa actions: each reads the tracker, calls a rule in `bot/`, and answers.

May import: the bot core (not bot.trainer or bot.launcher) and rasa_sdk."""
