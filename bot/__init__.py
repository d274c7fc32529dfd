"""Brightway assistant: the rules behind the Rasa bot, in named subpackages.

`nlu/`, `handoff/`, `shop/`, `records/` and `server/` are the core, with the few modules every
part uses (settings, clock, frustration scoring, transcripts, the services actions get). The core
imports only itself. `trainer/` and `launcher/` are leaves: they import the core, never the
reverse. See README "What is where" and tests/test_import_contract.py.
"""
