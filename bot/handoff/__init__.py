"""Handoffs: the Rasa policy, when to escalate, starting one, the store, desk hours, telling the desk.

May import: the bot core (bot.*, not bot.trainer or bot.launcher)."""
