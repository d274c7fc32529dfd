"""The review app's view of handoffs: transcript digests, queries and metrics.

May import: the bot core, desk and the rest of review_app."""
