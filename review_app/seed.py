"""Demo data from real conversations: customers talk to the running assistant over its REST
channel, frustrated ones are handed over, and seeded agents claim, reply and resolve through
`DeskService`, so every row is written by the code that writes it in production.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import httpx
import yaml
from sqlalchemy.engine import Engine

from bot.handoff.store import Handoff, HandoffStore
from bot.server.rasa_http_api import RasaHttpApi
from desk.service import DeskService

SCRIPTS_FILE = Path(__file__).resolve().parent / "seed_conversations.yml"
KINDS = ("calm", "frustrated", "misunderstood")
KIND_WEIGHTS = (0.45, 0.4, 0.15)
OUTCOME_WEIGHTS = {"left_open": 0.15, "claimed": 0.2, "resolved": 0.65}


class SeedError(RuntimeError):
    """The assistant did not behave as the seed expected; the message says what happened."""


@dataclass
class SeedReport:
    """What the seeder did."""

    conversations: Dict[str, int] = field(default_factory=lambda: {kind: 0 for kind in KINDS})
    handoffs: Dict[str, int] = field(default_factory=lambda: {outcome: 0 for outcome in OUTCOME_WEIGHTS})
    nps_answers: int = 0
    conversation_ids: List[str] = field(default_factory=list)

    def describe(self) -> str:
        """A short human-readable summary."""
        kinds = ", ".join(f"{count} {kind}" for kind, count in self.conversations.items())
        outcomes = ", ".join(f"{count} {outcome.replace('_', ' ')}" for outcome, count in self.handoffs.items())
        return f"Seeded {sum(self.conversations.values())} conversations ({kinds}); handoffs: {outcomes}; NPS answers after handoffs: {self.nps_answers}."


class ConversationSeeder:
    """Drives scripted customers through the assistant and works their handoffs as agents."""

    def __init__(self, rasa_url: str, token: str, engine: Engine, random_seed: int = 7,
                 scripts: Optional[Mapping[str, Any]] = None, timeout: float = 60.0) -> None:
        """Talk to the Rasa server at `rasa_url` (API `token`); read handoffs from `engine`."""
        self._rasa_url = rasa_url.rstrip("/")
        self._token = token
        self._handoffs = HandoffStore(engine)
        self._random = random.Random(random_seed)
        self._scripts = scripts or yaml.safe_load(SCRIPTS_FILE.read_text(encoding="utf-8"))
        self._timeout = timeout

    async def run(self, conversations: int) -> SeedReport:
        """Run `conversations` conversations one after another and report what happened."""
        report = SeedReport()
        api = RasaHttpApi(self._rasa_url, self._token, timeout=self._timeout)
        desk = DeskService(self._handoffs, api)
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                for _ in range(conversations):
                    kind = self._random.choices(KINDS, KIND_WEIGHTS)[0]
                    sender = f"seed-{kind}-{uuid.UUID(int=self._random.getrandbits(128)).hex[:10]}"
                    await self._converse(client, sender, self._random.choice(self._scripts[kind]))
                    report.conversations[kind] += 1
                    report.conversation_ids.append(sender)
                    if kind == "frustrated":
                        await self._work_handoff(client, desk, sender, report)
        finally:
            await api.close()
        return report

    async def _work_handoff(self, client: httpx.AsyncClient, desk: DeskService, sender: str,
                            report: SeedReport) -> None:
        """Claim, reply to and resolve the conversation's handoff (or leave it as a real queue would)."""
        handoff = await self._wait_for_handoff(sender)
        outcome = self._random.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()))[0]
        report.handoffs[outcome] += 1
        await self._say(client, sender, self._random.choice(self._scripts["while_waiting"]))
        if outcome == "left_open":
            return
        agent = self._random.choice(self._scripts["agents"])
        desk.claim(handoff.id, agent)
        replies = self._scripts["agent_replies"]
        await desk.reply(handoff.id, agent, replies[0].format(agent=agent))
        await self._say(client, sender, "ok thanks, what happens now?")
        await desk.reply(handoff.id, agent, self._random.choice(replies[1:]).format(agent=agent))
        if outcome == "claimed":
            return
        await desk.resolve(handoff.id, agent, self._random.choice(self._scripts["resolution_notes"]))
        await self._say(client, sender, self._random.choice(self._scripts["nps_answers"]))
        report.nps_answers += 1

    async def _wait_for_handoff(self, sender: str) -> Handoff:
        """The conversation's open handoff (the action records it before the bot answers)."""
        for _ in range(50):
            handoff = self._handoffs.active_for_conversation(sender)
            if handoff is not None:
                return handoff
            await asyncio.sleep(0.1)
        raise SeedError(f"The frustrated conversation {sender} was not handed over; check the assistant's logs.")

    async def _converse(self, client: httpx.AsyncClient, sender: str, lines: List[str]) -> None:
        """Say each line of a script in turn."""
        for line in lines:
            await self._say(client, sender, line)

    async def _say(self, client: httpx.AsyncClient, sender: str, text: str) -> List[Dict[str, Any]]:
        """One customer message through the REST channel; the bot's replies."""
        response = await client.post(
            f"{self._rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
        )
        if response.status_code != 200:
            raise SeedError(f"The assistant answered {response.status_code} to a customer message: {response.text[:200]}")
        return list(response.json() or [])
