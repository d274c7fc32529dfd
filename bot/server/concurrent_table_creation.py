"""Rasa's "Could not create tables: ... already exists" is a note, not an error, when instances start together.

Two Rasa instances starting at once on one tracker database both try to create its tables; the
second finds them made by the first. Rasa 3.6 carries on (its own comment: "That is okay so long
as the first service finishes the table creation") but logs the line at ERROR, which sends an
operator looking for a fault on every scaled-out start. Any other table-creation failure stays an
error.
"""

from __future__ import annotations

import logging

RASA_TRACKER_STORE_LOGGER = "rasa.core.tracker_store"
_MESSAGE_START = "Could not create tables:"
_ALREADY_THERE = "already exists"


class ConcurrentTableCreationNote(logging.Filter):
    """Lower Rasa's table-creation ERROR to INFO when the only problem is that the tables already exist."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record; relabel only the already-exists case."""
        message = record.getMessage()
        if record.levelno == logging.ERROR and message.startswith(_MESSAGE_START) and _ALREADY_THERE in message:
            record.levelno, record.levelname = logging.INFO, logging.getLevelName(logging.INFO)
            record.msg, record.args = "Tracker store tables were created by another instance starting at the same time", ()
        return True


def install() -> None:
    """Attach the filter to Rasa's tracker-store logger (once)."""
    logger = logging.getLogger(RASA_TRACKER_STORE_LOGGER)
    if not any(isinstance(existing, ConcurrentTableCreationNote) for existing in logger.filters):
        logger.addFilter(ConcurrentTableCreationNote())
