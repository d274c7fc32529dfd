"""The carrier/Twilio SMS keywords we honour: opt-out, opt-in and help (whole message, any case)."""

from __future__ import annotations

from enum import Enum
from typing import Optional

OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"})
OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})


class Keyword(Enum):
    """What a keyword asks for."""

    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


def keyword_of(body: str) -> Optional[Keyword]:
    """The keyword `body` consists of, if it is exactly one (Twilio's matching rule)."""
    word = body.strip().strip(".!").upper()
    if word in OPT_OUT_WORDS:
        return Keyword.OPT_OUT
    if word in OPT_IN_WORDS:
        return Keyword.OPT_IN
    if word in HELP_WORDS:
        return Keyword.HELP
    return None
