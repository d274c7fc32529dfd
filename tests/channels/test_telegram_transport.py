"""python-telegram-bot's Bot on our aiohttp transport, against the fake Bot API."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram.error import NetworkError, TimedOut

from channels.telegram.settings import TelegramSettings
from tests.fakes.telegram_api import FakeTelegramApi

TOKEN = "42:transport-test"


def settings_for(base_url: str) -> TelegramSettings:
    """Settings pointing the Bot at `base_url`."""
    credentials = {"bot_token": TOKEN, "webhook_secret": "s"}
    return TelegramSettings.from_credentials(credentials, {"TELEGRAM_API_BASE_URL": base_url})


def test_form_and_multipart_calls_reach_the_api():
    with FakeTelegramApi(TOKEN) as api:

        async def scenario():
            async with settings_for(api.url).make_bot() as bot:
                message = await bot.send_message(chat_id=7, text="hello & <b>bye</b>", parse_mode="HTML")
                await bot.send_document(chat_id=7, document=b"%PDF-1.4 invoice", filename="invoice.pdf")
                return message

        message = asyncio.run(scenario())
        document = api.calls("/sendDocument")[0]
    assert message.chat.id == 7 and message.text == "hello & <b>bye</b>"
    sent = api.calls("/sendMessage")[0]
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert sent.form() == {"chat_id": "7", "text": "hello & <b>bye</b>", "parse_mode": "HTML"}
    assert api.sent_messages()[0]["parse_mode"] == "HTML"
    assert document.headers["Content-Type"].startswith("multipart/form-data")
    assert b"invoice.pdf" in document.body and b"%PDF-1.4 invoice" in document.body


def test_network_failures_become_telegram_errors():
    with FakeTelegramApi(TOKEN) as api:
        url = api.url

    async def scenario():
        bot = settings_for(url).make_bot()
        with pytest.raises(NetworkError) as raised:
            await bot.initialize()
        await bot.shutdown()
        return raised.value

    error = asyncio.run(scenario())
    assert not isinstance(error, TimedOut)


def test_a_call_keeps_its_own_read_timeout_and_others_the_default():
    with FakeTelegramApi(TOKEN) as api:
        api.add_listener(lambda request: time.sleep(0.5) if request.path.endswith("/sendMessage") else None)

        async def scenario():
            async with settings_for(api.url).make_bot() as bot:
                with pytest.raises(TimedOut):
                    await bot.send_message(chat_id=7, text="quick", read_timeout=0.1)
                return await bot.send_message(chat_id=7, text="patient")

        message = asyncio.run(scenario())
    assert message.text == "patient"
