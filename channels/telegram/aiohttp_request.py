"""python-telegram-bot's HTTP transport on aiohttp (its documented `BaseRequest` extension point).

PTB's default transport is httpx; on our send path it cost about three times the CPU per call of
aiohttp (which Rasa and slack_sdk already use), and a busy 2-core server sends several Telegram
messages per bot turn.
"""

from __future__ import annotations

import asyncio
from typing import Any, Optional, Tuple

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class AiohttpRequest(BaseRequest):
    """Sends the Bot API calls of one `Bot` through a pooled aiohttp session."""

    def __init__(
        self, read_timeout_s: float = 5.0, connect_timeout_s: float = 5.0, pool_size: int = 256
    ) -> None:
        """Default timeouts like PTB's own transport; the session is opened by `initialize`."""
        self._read_timeout = read_timeout_s
        self._connect_timeout = connect_timeout_s
        self._default_timeout = aiohttp.ClientTimeout(
            sock_read=read_timeout_s, sock_connect=connect_timeout_s
        )
        self._pool_size = pool_size
        self._session: Optional[aiohttp.ClientSession] = None

    @property
    def read_timeout(self) -> Optional[float]:
        """The default read timeout in seconds."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (inside the running event loop)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size)
            )

    async def shutdown(self) -> None:
        """Close the session."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: Optional[RequestData] = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> Tuple[int, bytes]:
        """One Bot API call; returns the HTTP status and the raw body, as PTB expects."""
        await self.initialize()
        assert self._session is not None
        timeout = self._timeout(read_timeout, connect_timeout)
        data, content_type = _body(request_data)
        headers = {"User-Agent": self.USER_AGENT}
        if content_type is not None:
            headers["Content-Type"] = content_type
        try:
            async with self._session.request(
                method, url, data=data, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except asyncio.TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp error: {error!r}") from error

    def _timeout(self, read_timeout: object, connect_timeout: object) -> aiohttp.ClientTimeout:
        """The call's timeouts; the defaults' object is built once (most calls give none)."""
        read = _seconds(read_timeout, self._read_timeout)
        connect = _seconds(connect_timeout, self._connect_timeout)
        if read == self._read_timeout and connect == self._connect_timeout:
            return self._default_timeout
        return aiohttp.ClientTimeout(sock_read=read, sock_connect=connect)


def _seconds(value: object, default: float) -> Optional[float]:
    """PTB passes a DefaultValue marker when the caller gave no timeout."""
    if isinstance(value, type(BaseRequest.DEFAULT_NONE)):
        return default
    return value if isinstance(value, (int, float)) or value is None else default


def _body(request_data: Optional[RequestData]) -> Tuple[Any, Optional[str]]:
    """The body and its Content-Type: parameters URL-encoded in one step (a sendMessage), or a
    multipart form when there are files (PTB gives them httpx-style)."""
    if request_data is None:
        return None, None
    if not request_data.contains_files:
        return request_data.url_encoded_parameters().encode("utf-8"), FORM_CONTENT_TYPE
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form, None
