"""The trainer's command line (`python -m bot.trainer`): data lints, evaluation, watch, finetune.

A leaf: may import the bot core and bot.launcher; nothing in the core imports it."""
