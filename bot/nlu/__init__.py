"""Brightway's own Rasa NLU components (intent classification, frustration scoring) and their models."""
