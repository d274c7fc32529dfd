"""`bot.log_privacy`: customer text and phone numbers never reach a log handler, whatever logs them."""

from __future__ import annotations

import io
import json
import logging
import sys
from typing import Any, Iterator, List

import pytest

from bot.log_privacy import install, mask_phone_numbers, redact_message

MARKER = "zebra-7731-secret"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """A handler on a test logger, with the privacy record factory installed for the test."""
    previous = logging.getLogRecordFactory()
    install()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("privacy-test")
    logger.addHandler(handler)
    logger.propagate = False
    yield stream
    logger.removeHandler(handler)
    logging.setLogRecordFactory(previous)


def test_rasa_structlog_json_events_lose_customer_fields(captured: io.StringIO) -> None:
    event = {"text": f"my card broke {MARKER}", "event": "rest.message.received.failure", "level": "error"}

    logging.getLogger("privacy-test").error(json.dumps(event))

    written = json.loads(captured.getvalue().split(" ", 2)[2])
    assert written == {"text": "[redacted]", "event": "rest.message.received.failure", "level": "error"}


def test_traceback_frames_lose_their_local_variables(captured: io.StringIO) -> None:
    event = {
        "event": "processor.failure",
        "exception": [{"exc_type": "KeyError", "frames": [{"line": "x = y", "locals": {"text": MARKER}}]}],
    }

    logging.getLogger("privacy-test").error(json.dumps(event))

    assert MARKER not in captured.getvalue()
    assert "KeyError" in captured.getvalue()


def test_console_rendered_events_are_cut_at_the_first_customer_field(captured: io.StringIO) -> None:
    line = f"\x1b[1mrest.message.received.timeout\x1b[0m \x1b[36mtext\x1b[0m=\x1b[35m{MARKER} hi\x1b[0m"

    logging.getLogger("privacy-test").error(line)

    assert MARKER not in captured.getvalue()
    assert "rest.message.received.timeout" in captured.getvalue()


def test_phone_numbers_are_masked_in_messages_arguments_and_tracebacks(captured: io.StringIO) -> None:
    logger = logging.getLogger("privacy-test")
    logger.warning("conversation %s failed", "+44 7700 900123")
    try:
        raise ValueError("bad sender 15551234567")
    except ValueError:
        logger.exception("lookup failed")

    output = captured.getvalue()
    assert "7700 900123" not in output and "15551234567" not in output
    assert "conversation [phone] failed" in output and "ValueError: bad sender [phone]" in output


@pytest.mark.parametrize(
    "text", ["http://127.0.0.1:5005", "2026-11-25 12:18:49", "took 1732536000.123 s", "order #55213", "port 5432"]
)
def test_ordinary_numbers_stay(text: str) -> None:
    assert mask_phone_numbers(text) == text


def test_ordinary_messages_are_unchanged() -> None:
    assert redact_message("Starting Rasa server on http://127.0.0.1:5005") == "Starting Rasa server on http://127.0.0.1:5005"


def test_install_twice_wraps_once() -> None:
    previous = logging.getLogRecordFactory()
    try:
        install()
        once = logging.getLogRecordFactory()
        install()
        assert logging.getLogRecordFactory() is once
    finally:
        logging.setLogRecordFactory(previous)


@pytest.mark.parametrize(
    "line",
    [
        "Requested URL /webhooks/sms/%2B15551234567 not found",
        '"GET /transcripts/sms%3A%2B15551234567 HTTP/1.1" 404',
        "path /x/%2B1%20555%20123%204567/y",
    ],
)
def test_url_encoded_phone_numbers_are_decoded_and_masked(line: str) -> None:
    cleaned = redact_message(line)

    assert "15551234567" not in cleaned and "555 123 4567" not in cleaned
    assert "[phone]" in cleaned


def test_card_numbers_and_url_tokens_are_masked(captured: io.StringIO) -> None:
    logging.getLogger("privacy-test").warning(
        "GET /conversations/x/tracker?token=s3cr3t-api-token&x=1 card 4111 1111 1111 1111 or 4111%201111%201111%201111"
    )

    output = captured.getvalue()
    assert "s3cr3t-api-token" not in output and "4111 1111 1111 1111" not in output and "%201111%20" not in output
    assert "token=[redacted]&x=1" in output and "[card ending 1111]" in output


def test_url_encoded_text_without_numbers_stays_as_it_was() -> None:
    assert redact_message("GET /search?q=kettle%20lid 200") == "GET /search?q=kettle%20lid 200"


def test_arguments_stay_arguments_for_formatters_that_read_them(captured: io.StringIO) -> None:
    record = logging.getLogRecordFactory()(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s" %d', ("127.0.0.1", "GET", "/t/sms%3A%2B15551234567", 200), None
    )

    assert record.args == ("127.0.0.1", "GET", "/t/sms:[phone]", 200)
