"""twilio's pluggable async HTTP client, pointed at a configurable API base URL (a fake in tests)."""

from __future__ import annotations

import logging
from typing import Dict, List, Optional, Tuple
from urllib.parse import urlencode, urlsplit

import aiohttp
from twilio.http import AsyncHttpClient
from twilio.http.response import Response

from channels.retry import RetryableSendError, retry_after_seconds

logger = logging.getLogger(__name__)
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class TwilioApiHttpClient(AsyncHttpClient):
    """Sends twilio's requests to `api_base_url`; 429/5xx raise `RetryableSendError` with Retry-After."""

    def __init__(self, api_base_url: str, timeout_s: float = 15.0) -> None:
        """Rewrite every request's origin to `api_base_url` (e.g. https://api.twilio.com)."""
        super().__init__(logger, is_async=True, timeout=timeout_s)
        base = urlsplit(api_base_url)
        self._scheme, self._netloc = base.scheme, base.netloc
        self._session: Optional[aiohttp.ClientSession] = None

    async def request(
        self,
        method: str,
        uri: str,
        params: Optional[Dict[str, object]] = None,
        data: Optional[Dict[str, object]] = None,
        headers: Optional[Dict[str, str]] = None,
        auth: Optional[Tuple[str, str]] = None,
        timeout: Optional[float] = None,
        allow_redirects: bool = False,
    ) -> Response:
        """One HTTP call; the body is never logged (it holds customer text)."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        body = _form_body(data)
        if body is not None:
            headers = {"Content-Type": FORM_CONTENT_TYPE, **(headers or {})}
        async with self._session.request(
            method.upper(),
            urlsplit(uri)._replace(scheme=self._scheme, netloc=self._netloc).geturl(),
            params=_pairs(params),
            data=body,
            headers=headers,
            auth=aiohttp.BasicAuth(*auth) if auth else None,
            timeout=aiohttp.ClientTimeout(total=timeout or self.timeout),
            allow_redirects=allow_redirects,
        ) as response:
            text = await response.text()
            status, response_headers = response.status, dict(response.headers)
        if status == 429 or status >= 500:
            raise RetryableSendError(f"Twilio answered {status}", retry_after_seconds(response_headers))
        return Response(status, text, response_headers)

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None


def _form_body(values: Optional[Dict[str, object]]) -> Optional[bytes]:
    """twilio's POST fields URL-encoded; aiohttp gets bytes, skipping its FormData step per send."""
    pairs = _pairs(values)
    return urlencode(pairs).encode("utf-8") if pairs else None


def _pairs(values: Optional[Dict[str, object]]) -> Optional[List[Tuple[str, str]]]:
    """Flatten twilio's dict (whose values may be lists) into form pairs."""
    if not values:
        return None
    pairs: List[Tuple[str, str]] = []
    for key, value in values.items():
        for item in value if isinstance(value, (list, tuple)) else [value]:
            pairs.append((key, str(item)))
    return pairs
