"""One log line per refused webhook request: channel, reason, source address and size, never the body.

Anyone can POST to a webhook, so what a refused request carries is untrusted and may be a real
customer's message (a genuine delivery refused for clock skew): none of it is written. The
reason is one of our fixed phrases ("invalid X-Slack-Signature", ...), never request content.
"""

from __future__ import annotations

import logging
from typing import Optional

logger = logging.getLogger("channels.refused")


def log_refusal(channel: str, status: int, reason: str, source: Optional[str], body_size: int) -> None:
    """Write the one line for a refused `channel` request (`status` is what the caller got)."""
    logger.warning(
        "Refused a %s request (%d): %s; from %s, %d bytes", channel, status, reason, source or "unknown", body_size
    )
