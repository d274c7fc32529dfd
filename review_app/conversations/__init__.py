"""The review app's view of conversations: tracker archive, index, queries, notes, timelines.

May import: the bot core, desk and the rest of review_app."""
