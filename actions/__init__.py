"""Thin Rasa actions: each reads the tracker, calls a rule in `bot/`, and answers."""
