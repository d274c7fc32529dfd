"""Terminal chat through the running server's REST channel: the same path real customers take."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, Iterator, List, Optional

from bot.server.rasa_http_api import api_token, conversation_path
from bot.settings import REPO_ROOT


def send_message(url: str, sender: str, text: str, timeout: float = 60.0) -> List[Dict[str, Any]]:
    """POST one message to the REST channel and return the bot's replies."""
    body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"[]")


def fetch_tracker(url: str, sender: str, token: str) -> Dict[str, Any]:
    """The conversation's tracker from the authenticated HTTP API."""
    query = urllib.parse.urlencode({"token": token})
    with urllib.request.urlopen(f"{url}{conversation_path(sender)}/tracker?{query}", timeout=10) as response:
        return json.loads(response.read())


class PushedMessageWatcher:
    """Prints messages that reach the conversation outside a reply: agents, queue updates."""

    def __init__(self, url: str, sender: str, token: str, interval: float = 1.5) -> None:
        """Watch `sender`'s tracker every `interval` seconds."""
        self._url, self._sender, self._token, self._interval = url, sender, token, interval
        self._seen = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()

    @contextlib.contextmanager
    def replying(self) -> Iterator[None]:
        """Hold the watcher while a message is sent, then count its replies as shown."""
        with self._lock:
            yield
            self._seen = len(self._events())

    def start(self) -> None:
        """Poll in a daemon thread until `stop`."""
        threading.Thread(target=self._run, daemon=True).start()

    def stop(self) -> None:
        """Stop polling."""
        self._stop.set()

    def _events(self) -> List[Dict[str, Any]]:
        try:
            return list(fetch_tracker(self._url, self._sender, self._token).get("events") or [])
        except (urllib.error.URLError, ConnectionError, ValueError):
            return []

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            with self._lock:
                events = self._events()
                for event in events[self._seen:]:
                    if event.get("event") == "bot" and event.get("text"):
                        agent = (event.get("metadata") or {}).get("agent")
                        print(f"\n{('agent ' + agent) if agent else 'bot'}> {event['text']}\nyou> ", end="", flush=True)
                self._seen = max(self._seen, len(events))


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
    """The API token the launcher made (or `RASA_API_TOKEN`); "" when there is none."""
    return api_token(REPO_ROOT / "var", os.environ, create=False)


def run_chat(url: str, sender: Optional[str], debug: bool) -> int:
    """Read lines from the terminal until EOF or /quit, printing the bot's replies."""
    sender = sender or f"terminal-{secrets.token_hex(4)}"
    token = read_token()
    watcher = PushedMessageWatcher(url, sender, token) if token else None
    print(f"Chatting as {sender} with {url}. Type /quit to leave.")
    if watcher:
        watcher.start()
    try:
        return _chat_loop(url, sender, token, debug, watcher)
    finally:
        if watcher:
            watcher.stop()


def _chat_loop(url: str, sender: str, token: str, debug: bool, watcher: Optional[PushedMessageWatcher]) -> int:
    """Send each typed line and print the replies (and, with --debug, what the bot understood)."""
    while True:
        try:
            text = input("you> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if text.strip() == "/quit":
            return 0
        try:
            with watcher.replying() if watcher else contextlib.nullcontext():
                replies = send_message(url, sender, text)
        except (urllib.error.URLError, ConnectionError) as error:
            print(f"Can't reach the assistant at {url} ({error}). Is `make run` running?")
            return 1
        if debug and token:
            understood = fetch_tracker(url, sender, token).get("latest_message")
            if understood:
                print(format_understanding(understood))
        if not replies:
            print("bot> (no reply: a person has this conversation now; their replies appear here)")
        for reply in replies:
            print(format_reply(reply))
