"""What Rasa's server process loads by dotted path or patches at start-up: tracker and lock
stores, event index, answer check, prediction graph runner, the policies' dialogue states and
rule lookup, debug-line copies, log privacy, health, the action gateway, and the client of Rasa's
HTTP API with the one API token reader.

May import: the bot core (bot.*, not bot.trainer or bot.launcher) and Rasa."""
