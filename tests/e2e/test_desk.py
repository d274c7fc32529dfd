"""The human desk against the real server: claim, reply, escalate, hand back, customer leaves."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta, timezone
from typing import List, Optional

import pytest

from bot.handoff.store import HandoffError
from bot.settings import DeskSettings, HandoffSettings, Settings
from desk.server import DeskRuntime, build_desk_runtime
from tests.desk_hours import desk_hours
from tests.e2e.running_assistant import RunningAssistant

pytestmark = [pytest.mark.slow, pytest.mark.wall_clock]

FRUSTRATED = "I've asked three times already and this is USELESS!!! get me someone"


class SteppingClock:
    """Real time plus an offset tests move forward by hand (the servers use real time)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset


def desk_for(assistant: RunningAssistant, clock: SteppingClock, hours: Optional[HandoffSettings] = None) -> DeskRuntime:
    """A desk on the assistant's own database and API, open around the clock unless `hours` says otherwise."""
    settings = Settings(
        database_url=assistant.db_url,
        handoff=hours or desk_hours(open_now=True),
        desk=DeskSettings(escalate_after_minutes=5, auto_close_hours=24),
    )
    return build_desk_runtime(settings, assistant.url, assistant.processes.token, clock=clock)


def bot_texts_after(events: List[dict], index: int) -> List[str]:
    """Texts of bot events after position `index`."""
    return [e.get("text") or "" for e in events[index:] if e["event"] == "bot"]


@pytest.fixture()
def clock() -> SteppingClock:
    return SteppingClock()


def test_agent_reply_and_hand_back(assistant: RunningAssistant, clock: SteppingClock) -> None:
    sender = "desk-loop"
    assistant.texts(sender, "where is my order A-10977")
    assert "person" in " ".join(assistant.texts(sender, FRUSTRATED))

    async def work() -> None:
        runtime = desk_for(assistant, clock)
        handoff = runtime.desk.handoffs.active_for_conversation(sender)
        assert handoff is not None
        assert runtime.desk.claim(handoff.id, "alice").claimed
        assert not runtime.desk.claim(handoff.id, "bob").claimed
        with pytest.raises(HandoffError):
            await runtime.desk.reply(handoff.id, "bob", "I'll take it")
        await runtime.desk.reply(handoff.id, "alice", "Hi, Alice here. Your parcel is at the depot.")
        assert assistant.say(sender, "ok thanks, when will it come?") == []
        await runtime.desk.resolve(handoff.id, "alice", "told about depot")
        stored = runtime.desk.handoffs.get(handoff.id)
        assert stored.status == "resolved" and stored.claimed_by == "alice"
        assert stored.claimed_at and stored.first_human_reply_at and stored.resolved_at
        assert stored.seconds_to_human is not None and stored.seconds_to_human >= 0
        await runtime.api.close()

    asyncio.run(work())
    events = assistant.tracker(sender)["events"]
    lines = [(e["event"], e.get("text"), (e.get("metadata") or {}).get("agent")) for e in events if e["event"] in ("user", "bot")]
    agent_line = ("bot", "Hi, Alice here. Your parcel is at the depot.", "alice")
    assert agent_line in lines
    assert lines.index(("user", "ok thanks, when will it come?", None)) > lines.index(agent_line)
    after_agent = [text or "" for _, text, _ in lines[lines.index(agent_line):]]
    assert any("I'm back" in text for text in after_agent)
    assert any("0 to 10" in text for text in after_agent)
    assert "Thanks for the 8" in " ".join(assistant.texts(sender, "8"))
    assert "30 days" in " ".join(assistant.texts(sender, "what is your returns policy?"))


@pytest.mark.parametrize("open_now", [True, False], ids=["desk-open", "desk-closed"])
def test_unclaimed_handoff_escalates_with_an_honest_update_only_while_the_desk_is_open(
    assistant: RunningAssistant, clock: SteppingClock, open_now: bool
) -> None:
    sender = f"desk-escalation-{'open' if open_now else 'closed'}"
    assistant.texts(sender, "I want to speak to a human")
    before = len(assistant.tracker(sender)["events"])
    hours = desk_hours(open_now, clock())

    async def work() -> str:
        runtime = desk_for(assistant, clock, hours)
        handoff = runtime.desk.handoffs.active_for_conversation(sender)
        assert handoff is not None
        await runtime.relay.run_once()
        assert bot_texts_after(assistant.tracker(sender)["events"], before) == []
        clock.offset += timedelta(minutes=6)
        await runtime.relay.run_once()
        await runtime.relay.run_once()
        await runtime.api.close()
        return handoff.id

    handoff_id = asyncio.run(work())
    updates = bot_texts_after(assistant.tracker(sender)["events"], before)
    escalations = desk_for(assistant, clock, hours).desk.handoffs.get(handoff_id).escalation_count
    if open_now:
        assert len(updates) == 1, f"expected one honest update after 6 minutes unclaimed, got {updates}"
        assert "queue" in updates[0] or "next" in updates[0]
        assert escalations == 1
    else:
        assert updates == [], "the customer was already told when the desk opens; no update while it is closed"
        assert escalations == 0


def test_customer_can_ask_for_the_bot_back(assistant: RunningAssistant, clock: SteppingClock) -> None:
    sender = "desk-leaves"
    assistant.texts(sender, "talk to an agent")
    handoffs = desk_for(assistant, clock).desk.handoffs
    handoff = handoffs.active_for_conversation(sender)
    assert handoff is not None
    assistant.say(sender, "never mind, back to the bot please")
    # The desk resolves the record first and then resumes the conversation in Rasa (desk.service's
    # _hand_back), so "resolved" alone can be seen a moment before the bot is back: wait for both.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if handoffs.get(handoff.id).status == "resolved" and assistant.tracker(sender)["paused"] is False:
            break
        time.sleep(0.2)
    closed = handoffs.get(handoff.id)
    assert closed.status == "resolved" and closed.resolved_by == "customer"
    assert assistant.tracker(sender)["paused"] is False
    assert assistant.texts(sender, "how much is the volt power bank?")
