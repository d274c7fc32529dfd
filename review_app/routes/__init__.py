"""The app's routes, one module per area; each module exposes `routes`.

May import: the bot core, desk and the rest of review_app."""
