"""Block Kit for our replies: mrkdwn sections of at most 3000 characters, buttons as an actions block."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

SECTION_LIMIT = 3000
MESSAGE_TEXT_LIMIT = 40000
MAX_BLOCKS = 50
MAX_BUTTONS = 25
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
BUTTON_BLOCK_ID = "brightway_buttons"

Block = Dict[str, Any]


def section(mrkdwn: str) -> Block:
    """One section block of mrkdwn text."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def button_row(buttons: Sequence[Dict[str, Any]]) -> Block:
    """An actions block with one button per Rasa button (value = payload)."""
    elements = []
    for index, button in enumerate(buttons[:MAX_BUTTONS]):
        title = str(button.get("title", ""))[:BUTTON_TEXT_LIMIT] or "…"
        value = str(button.get("payload") or button.get("title", ""))[:BUTTON_VALUE_LIMIT]
        elements.append(
            {
                "type": "button",
                "action_id": f"brightway_button_{index}",
                "text": {"type": "plain_text", "text": title, "emoji": True},
                "value": value,
            }
        )
    return {"type": "actions", "block_id": BUTTON_BLOCK_ID, "elements": elements}


def messages_for(
    chunks: Sequence[str], buttons: Optional[Sequence[Dict[str, Any]]] = None
) -> List[List[Block]]:
    """Group section chunks into messages within Slack's block and length limits; buttons go last."""
    messages: List[List[Block]] = []
    current: List[Block] = []
    length = 0
    for chunk in chunks:
        if current and (len(current) >= MAX_BLOCKS - 1 or length + len(chunk) > MESSAGE_TEXT_LIMIT):
            messages.append(current)
            current, length = [], 0
        current.append(section(chunk))
        length += len(chunk)
    if buttons:
        current.append(button_row(buttons))
    if current:
        messages.append(current)
    return messages


def fallback_text(blocks: Sequence[Block]) -> str:
    """The notification text Slack shows where blocks cannot be rendered."""
    for block in blocks:
        if block.get("type") == "section":
            return str(block["text"]["text"])
    return "New message"
