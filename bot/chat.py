"""Terminal chat through the running server's REST channel: the same path real customers take."""

from __future__ import annotations

import json
import os
import secrets
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Optional

from bot.settings import REPO_ROOT


def send_message(url: str, sender: str, text: str, timeout: float = 60.0) -> List[Dict[str, Any]]:
    """POST one message to the REST channel and return the bot's replies."""
    body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"[]")


def latest_understanding(url: str, sender: str, token: str) -> Optional[Dict[str, Any]]:
    """What the bot understood of the customer's latest message (from the tracker)."""
    query = urllib.parse.urlencode({"token": token})
    conversation = urllib.parse.quote(sender, safe="")
    with urllib.request.urlopen(f"{url}/conversations/{conversation}/tracker?{query}", timeout=10) as response:
        tracker = json.loads(response.read())
    return tracker.get("latest_message")


def format_understanding(parse_data: Dict[str, Any]) -> str:
    """One line: intent, confidence, entities and frustration score."""
    intent = parse_data.get("intent") or {}
    entities = ", ".join(f"{e.get('entity')}={e.get('value')}" for e in parse_data.get("entities") or [])
    frustration = parse_data.get("frustration") or {}
    signals = ",".join(frustration.get("signals") or []) or "-"
    return (
        f"  [intent {intent.get('name')} {float(intent.get('confidence') or 0):.2f}"
        f" | entities {entities or '-'}"
        f" | frustration {float(frustration.get('score') or 0):.2f} ({signals})]"
    )


def format_reply(reply: Dict[str, Any]) -> str:
    """A bot reply as terminal text, buttons numbered."""
    text = reply.get("text") or ""
    for number, button in enumerate(reply.get("buttons") or [], start=1):
        text += f"\n    {number}. {button.get('title')}"
    return f"bot> {text}"


def read_token() -> str:
    """The API token the launcher wrote (or `RASA_API_TOKEN`)."""
    if os.environ.get("RASA_API_TOKEN"):
        return os.environ["RASA_API_TOKEN"]
    token_file = REPO_ROOT / "var" / "api_token"
    return token_file.read_text(encoding="utf-8").strip() if token_file.exists() else ""


def run_chat(url: str, sender: Optional[str], debug: bool) -> int:
    """Read lines from the terminal until EOF or /quit, printing the bot's replies."""
    sender = sender or f"terminal-{secrets.token_hex(4)}"
    token = read_token() if debug else ""
    print(f"Chatting as {sender} with {url}. Type /quit to leave.")
    while True:
        try:
            text = input("you> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if text.strip() == "/quit":
            return 0
        try:
            replies = send_message(url, sender, text)
        except (urllib.error.URLError, ConnectionError) as error:
            print(f"Can't reach the assistant at {url} ({error}). Is `make run` running?")
            return 1
        if debug:
            understood = latest_understanding(url, sender, token)
            if understood:
                print(format_understanding(understood))
        if not replies:
            print("bot> (no reply: a person has taken over this conversation)")
        for reply in replies:
            print(format_reply(reply))
