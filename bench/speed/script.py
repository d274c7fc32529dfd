"""The customer messages every bench conversation sends, in order.

A greeting, a product question, an order status, a policy question, a delivery question and
thanks: the everyday path, with nothing that asks for a person or sounds frustrated, so no
conversation is handed off. The same script goes to all three bots (the `rasa init` bot
answers it with its own intents; the text lengths, and so the work per message, are the same).
"""

from __future__ import annotations

from typing import List

SCRIPT: List[str] = [
    "hi",
    "how much is the aura smart speaker?",
    "where is my order #55213?",
    "what is your return policy?",
    "do you deliver on saturdays?",
    "thanks",
]
HANDOFF_MARKERS = ("handing you over", "person on our team")
