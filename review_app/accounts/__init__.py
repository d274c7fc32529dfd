"""Review-app users: accounts, who may do what, failed-login throttling.

May import: the bot core, desk and the rest of review_app."""
