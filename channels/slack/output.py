"""Send Rasa's responses to a Slack DM or channel (in the customer's thread) with slack_sdk."""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence

import aiohttp
from rasa.core.channels.channel import OutputChannel
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from channels.delivery import Deliverer
from channels.markdown import to_slack_mrkdwn
from channels.retry import PermanentSendError, RetryableSendError, retry_after_seconds
from channels.slack.blocks import SECTION_LIMIT, Block, fallback_text, messages_for
from channels.slack.events import CHANNEL, target_of
from channels.slack.settings import SlackSettings
from channels.splitting import split_rendered


class SlackConnection:
    """One Web API client with a pooled HTTP session, created on first use inside the event loop."""

    def __init__(self, settings: SlackSettings) -> None:
        """Connect with the bot token to the configured base URL."""
        self._settings = settings
        self._session: Optional[aiohttp.ClientSession] = None
        self._client: Optional[AsyncWebClient] = None

    def client(self) -> AsyncWebClient:
        """The client (its session is bound to the running loop)."""
        if self._client is None:
            self._session = aiohttp.ClientSession()
            self._client = AsyncWebClient(
                token=self._settings.bot_token,
                base_url=self._settings.api_base_url,
                session=self._session,
            )
        return self._client

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None
            self._client = None


class SlackOutput(OutputChannel):
    """mrkdwn sections (3000 chars each, 40000 per message), buttons as Block Kit, paced per channel."""

    @classmethod
    def name(cls) -> str:
        """The channel name Rasa records on events."""
        return CHANNEL

    def __init__(
        self, connection: SlackConnection, deliverer: Deliverer, thread_ts: Optional[str] = None
    ) -> None:
        """Post through `connection`; replies go to `thread_ts` when set."""
        self._connection = connection
        self._deliverer = deliverer
        self._thread_ts = thread_ts

    def in_thread(self, thread_ts: Optional[str]) -> "SlackOutput":
        """The same output, answering in the thread `thread_ts` (or top level for None)."""
        return SlackOutput(self._connection, self._deliverer, thread_ts)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Post `text` to the conversation `recipient_id`."""
        await self._post(recipient_id, text, None)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """Post `text` with buttons; a press comes back through interactivity as the payload."""
        await self._post(recipient_id, text, buttons)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """Post an image block."""
        block = {"type": "image", "image_url": image, "alt_text": "image"}
        await self._post_blocks(recipient_id, image, [block])

    async def close(self) -> None:
        """Close HTTP connections."""
        await self._connection.close()

    async def _post(
        self, recipient_id: str, text: str, buttons: Optional[Sequence[Dict[str, Any]]]
    ) -> None:
        chunks = split_rendered(text or "", SECTION_LIMIT, to_slack_mrkdwn)
        for blocks in messages_for(chunks, buttons):
            if not await self._post_blocks(recipient_id, text, blocks):
                return

    async def _post_blocks(self, recipient_id: str, text: str, blocks: List[Block]) -> bool:
        target = target_of(recipient_id)
        if target is None:
            await self._deliverer.record_failure(
                recipient_id, text, "not a Slack conversation id (expected slack:<team>:<channel>)", 0
            )
            return False
        arguments: Dict[str, Any] = {
            "channel": target.channel_id,
            "text": fallback_text(blocks),
            "blocks": blocks,
        }
        if self._thread_ts:
            arguments["thread_ts"] = self._thread_ts
        return await self._deliverer.deliver(
            recipient_id,
            target.channel_id,
            text,
            _translated(lambda: self._connection.client().chat_postMessage(**arguments)),
        )


def _translated(call: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
    """Wrap a Web API call so its errors become retryable (429, 5xx, network) or permanent."""

    async def attempt() -> Any:
        try:
            return await call()
        except SlackApiError as exc:
            status = exc.response.status_code
            if status == 429 or status >= 500:
                raise RetryableSendError(
                    f"Slack answered {status}", retry_after_seconds(exc.response.headers)
                ) from exc
            raise PermanentSendError(f"Slack refused: {exc.response.get('error')}") from exc
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            raise RetryableSendError(f"network error: {exc.__class__.__name__}") from exc

    return attempt
