"""What the shop sells and promises: the catalogue, order look-ups, company policies.

May import: the bot core (bot.*, not bot.trainer or bot.launcher)."""
