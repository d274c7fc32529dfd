"""Brightway assistant: the rules behind the Rasa bot, in named subpackages.

`nlu/`, `handoff/`, `shop/`, `records/` and `server/` are the core, with the few modules every
part uses (settings, clock, frustration scoring, transcripts, the services actions get).
`trainer/` and `launcher/` are leaves that import the core, never the reverse.

May import: the core imports only itself (not desk, review_app, channels, bot.trainer or
bot.launcher); see README "What is where" and tests/test_import_contract.py.
"""
