"""Keeps customer text and phone numbers out of the logs, whoever logs them and at any level.

Rasa logs the customer's words in some ERROR lines (`rest.message.received.failure`, `...timeout`),
its JSON tracebacks carry every frame's local variables, and conversation ids on SMS are phone
numbers. `install()` wraps the logging record factory once at start-up, so every record (Rasa,
Sanic, structlog, our own code; every handler and format) is cleaned before it is written:

- structlog events rendered as JSON: values under keys that hold customer data are replaced and
  traceback frames lose their local variables;
- structlog events rendered for a terminal: the line is cut at the first such key;
- every message and traceback: phone-number-like digit runs and payment card numbers are masked,
  also inside URL-encoded text (`%2B1555...` is decoded before masking), and `token=` query
  values are replaced.

A record's arguments are cleaned one by one where that suffices, so formatters that read
`record.args` (uvicorn's access log) keep working.

Servers install it through `python -m bot.server_entry -m rasa run ...` (or `-m rasa_sdk ...`).
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import unquote

from channels.card_masking import mask_card_numbers

REDACTED = "[redacted]"
PHONE_MASK = "[phone]"

# The keys Rasa's own anonymizer treats as customer data (rasa.utils.log_utils), plus a few more.
CUSTOMER_DATA_KEYS = frozenset({
    "text", "response_text", "user_text", "slot_values", "parse_data_text", "parse_data_entities",
    "prediction_events", "tracker_latest_message", "prefilled_slots", "message", "response",
    "slot_candidates", "rasa_event", "rasa_events", "tracker_states", "current_states",
    "old_states", "successes", "current_entity", "next_entity", "states", "entity", "token_text",
    "user_message", "json_message", "metadata", "body", "sender_id", "conversation_id",
})
PHONE_NUMBER = re.compile(r"(?<![\w+.])(?:\+\d[\d ().-]{6,}\d|\d{10,15})(?![\w.])")
URL_ENCODED_RUN = re.compile(r"[^\s\"'<>]*%[0-9A-Fa-f]{2}[^\s\"'<>]*")
TOKEN_QUERY_VALUE = re.compile(r"(?<=[?&]token=)[^&\s\"'<>]+")
ANSI = r"(?:\x1b\[[0-9;]*m)*"
CONSOLE_CUSTOMER_KEY = re.compile(
    r"\s" + ANSI + r"(?:" + "|".join(sorted(CUSTOMER_DATA_KEYS)) + r")" + ANSI + "=.*", re.DOTALL
)


def mask_phone_numbers(text: str) -> str:
    """Replace what looks like a phone number: "+" and 8+ digits (spaces, dashes allowed), or 10-15 digits."""
    return PHONE_NUMBER.sub(PHONE_MASK, text)


def mask_numbers(text: str) -> str:
    """Phone numbers, card numbers and URL `token=` values masked, in plain and URL-encoded text."""
    text = TOKEN_QUERY_VALUE.sub(REDACTED, text)
    if "%" in text:
        text = URL_ENCODED_RUN.sub(_mask_encoded_run, text)
    return mask_phone_numbers(mask_card_numbers(text))


def _mask_encoded_run(match: re.Match[str]) -> str:
    """A URL-encoded run as it was when it holds no number to mask, else decoded and masked."""
    encoded = match.group()
    decoded = unquote(encoded)
    masked = mask_phone_numbers(mask_card_numbers(decoded))
    return encoded if masked == decoded else masked


def _clean_structure(value: Any) -> Any:
    if isinstance(value, dict):
        cleaned = {}
        for key, item in value.items():
            if key in CUSTOMER_DATA_KEYS:
                cleaned[key] = REDACTED
            elif key == "locals":
                continue
            else:
                cleaned[key] = _clean_structure(item)
        return cleaned
    if isinstance(value, list):
        return [_clean_structure(item) for item in value]
    if isinstance(value, str):
        return mask_numbers(value)
    return value


def redact_message(message: str) -> str:
    """The message without customer data (JSON events keep their shape, with values replaced)."""
    stripped = message.lstrip()
    if stripped.startswith("{"):
        try:
            parsed = json.loads(stripped)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            return json.dumps(_clean_structure(parsed), ensure_ascii=False)
    message = CONSOLE_CUSTOMER_KEY.sub(f" {REDACTED}", message)
    return mask_numbers(message)


def redact_record(record: logging.LogRecord, formatter: logging.Formatter) -> None:
    """Clean a record in place: its arguments (kept as arguments when that is enough), else its
    whole message; and its traceback text if it has one."""
    if isinstance(record.args, tuple) and record.args:
        record.args = tuple(mask_numbers(arg) if isinstance(arg, str) else arg for arg in record.args)
    try:
        message = record.getMessage()
    except Exception:  # a malformed call's args; the handler will report it as usual
        return
    cleaned = redact_message(message)
    if cleaned != message:
        record.msg, record.args = cleaned, ()
    if record.exc_info and not record.exc_text:
        record.exc_text = mask_numbers(formatter.formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = mask_numbers(record.stack_info)


def install() -> None:
    """Clean every log record from now on (idempotent); call once at process start-up."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "brightway_privacy", False):
        return
    formatter = logging.Formatter()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redact_record(record, formatter)
        return record

    setattr(factory, "brightway_privacy", True)
    logging.setLogRecordFactory(factory)
