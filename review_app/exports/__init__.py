"""Exports from the review app: file formats, NLU examples, masking of personal data.

May import: the bot core, desk and the rest of review_app."""
