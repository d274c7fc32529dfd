"""Brightway assistant: the rules behind the Rasa bot (frustration, handoff, stores, desk)."""
