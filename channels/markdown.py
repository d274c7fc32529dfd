"""Render the Markdown subset used in our responses for each platform (Telegram HTML, Slack, SMS)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable

_INLINE = re.compile(
    r"`(?P<code>[^`\n]+)`"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<url>(?:https?://|mailto:|tel:)[^)\s]+)\)"
    r"|\*\*(?P<bold>[^*\n]+?)\*\*"
    r"|__(?P<bold_alt>[^_\n]+?)__"
    r"|(?<![\w*])\*(?P<italic>[^*\s](?:[^*\n]*?[^*\s])?)\*(?![\w*])"
    r"|(?<![\w_])_(?P<italic_alt>[^_\s](?:[^_\n]*?[^_\s])?)_(?![\w_])"
)


@dataclass(frozen=True)
class Dialect:
    """How one platform writes plain text, bold, italic, code and links."""

    escape: Callable[[str], str]
    bold: Callable[[str], str]
    italic: Callable[[str], str]
    code: Callable[[str], str]
    link: Callable[[str, str], str]


def render(text: str, dialect: Dialect) -> str:
    """Translate Markdown `text` into `dialect`; anything unrecognised stays as literal text."""
    out = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(dialect.escape(text[position : match.start()]))
        out.append(_render_match(match, dialect))
        position = match.end()
    out.append(dialect.escape(text[position:]))
    return "".join(out)


def _render_match(match: re.Match, dialect: Dialect) -> str:
    groups = match.groupdict()
    if groups["code"] is not None:
        return dialect.code(dialect.escape(groups["code"]))
    if groups["url"] is not None:
        return dialect.link(groups["label"], groups["url"])
    bold = groups["bold"] or groups["bold_alt"]
    if bold is not None:
        return dialect.bold(dialect.escape(bold))
    return dialect.italic(dialect.escape(groups["italic"] or groups["italic_alt"]))


def _html_escape(text: str) -> str:
    return html.escape(text, quote=False)


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain_link(label: str, url: str) -> str:
    target = url.split(":", 1)[1] if url.startswith(("mailto:", "tel:")) else url
    return label if label in (url, target) else f"{label} ({target})"


TELEGRAM_HTML = Dialect(
    escape=_html_escape,
    bold=lambda inner: f"<b>{inner}</b>",
    italic=lambda inner: f"<i>{inner}</i>",
    code=lambda inner: f"<code>{inner}</code>",
    link=lambda label, url: f'<a href="{html.escape(url)}">{_html_escape(label)}</a>',
)

SLACK_MRKDWN = Dialect(
    escape=_slack_escape,
    bold=lambda inner: f"*{inner}*",
    italic=lambda inner: f"_{inner}_",
    code=lambda inner: f"`{inner}`",
    link=lambda label, url: f"<{url}|{_slack_escape(label).replace('|', '/')}>",
)

PLAIN_TEXT = Dialect(
    escape=lambda text: text,
    bold=lambda inner: inner,
    italic=lambda inner: inner,
    code=lambda inner: inner,
    link=_plain_link,
)


def to_telegram_html(text: str) -> str:
    """Markdown to Telegram's HTML parse mode."""
    return render(text, TELEGRAM_HTML)


def to_slack_mrkdwn(text: str) -> str:
    """Markdown to Slack's mrkdwn."""
    return render(text, SLACK_MRKDWN)


def to_plain_text(text: str) -> str:
    """Markdown to plain text for SMS: markers dropped, links written out."""
    return render(text, PLAIN_TEXT)
