"""The project's own database (engine, the one table registry, migrations) and the stores
actions write: tickets, feedback, NPS.

May import: the bot core (bot.*, not bot.trainer or bot.launcher)."""
