"""The local launcher (`python -m bot run | train | chat`): process supervisor, terminal chat.

A leaf: may import the bot core; nothing in the core imports it."""
