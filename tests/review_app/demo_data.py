"""A realistic fortnight of handoffs, conversations and NPS answers, written through the real stores."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import List

from bot.handoff.store import Handoff, HandoffStore
from bot.records.nps_store import NpsStore
from tests.builders import ManualClock
from tests.review_app.sample_conversations import (
    TrackerDatabase, agent_reply, at, calm_conversation, frustrated_conversation, misunderstood_conversation,
    open_handoff, work_handoff,
)

CHANNELS = ("sms", "telegram", "slack")
ANGRY = [
    "This is the THIRD time I'm asking, your service is useless!!!",
    "I've been waiting 3 weeks for my refund, this is ridiculous",
    "WHERE IS MY ORDER",
    "Still no response. Unbelievable. Call me on 07700 900123",
    "The kettle arrived broken and nobody answers my emails at sam@example.com",
]
AGENTS = ("alice", "bilal", "chen")


def populate(handoffs: HandoffStore, nps: NpsStore, tracker: TrackerDatabase, clock: ManualClock,
             end: datetime, days: int = 14, seed: int = 3) -> List[Handoff]:
    """Handoffs (some open, claimed, resolved), calm and misunderstood conversations, NPS answers."""
    rng = random.Random(seed)
    made = []
    for index in range(days * 3):
        clock.now = end - timedelta(days=days) + timedelta(hours=8 * index + rng.randint(0, 90) / 60)
        channel = rng.choice(CHANNELS)
        sender = f"{channel}-{index:03d}"
        events = frustrated_conversation(clock.now, channel=channel, last=rng.choice(ANGRY))
        reason = "customer_asked" if index % 4 == 0 else "frustration"
        handoff = open_handoff(handoffs, sender, events, channel=channel, reason=reason,
                               customer_name=f"Customer {index}", score=round(rng.uniform(0.5, 0.95), 2))
        tracker.add(sender, events)
        if index < days * 3 - 4:
            agent = rng.choice(AGENTS)
            reply = rng.randint(40, 900)
            resolve = reply + rng.randint(120, 2400) if index % 5 else None
            handoff = work_handoff(handoffs, clock, handoff, agent, reply, resolve)
            tracker.add(sender, agent_reply(f"Hi, {agent} here. I'm looking into it now.", agent, at(clock.now, reply)))
            nps.record_score(sender, sender, channel, rng.choice((3, 6, 8, 9, 10, 10)))
        made.append(handoff)
        if index % 3 == 0:
            tracker.add(f"calm-{index:03d}", calm_conversation(clock.now, channel=channel))
        if index % 5 == 0:
            tracker.add(f"lost-{index:03d}", misunderstood_conversation(clock.now, channel=channel,
                                                                        text=f"blorp wibble number {index}"))
    clock.now = end
    return made
