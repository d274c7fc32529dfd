"""The stores and queries the review app works with, built once by `create_app`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from argon2 import PasswordHasher
from sqlalchemy.engine import Engine

from bot.clock import Clock
from bot.handoff.store import HandoffStore
from bot.records.database import create_database_engine
from bot.records.schema_migrations import create_schema
from desk.service import DeskService
from review_app.accounts.login_throttle import LoginThrottle
from review_app.accounts.user_store import UserStore
from review_app.config import ReviewConfig
from review_app.conversations.archive import ConversationArchive, open_tracker_engine
from review_app.conversations.index import ConversationIndex
from review_app.conversations.queries import ConversationQueries
from review_app.conversations.review_notes import ReviewStore
from review_app.handoffs.digest import HandoffDigests
from review_app.handoffs.metrics import HandoffMetrics
from review_app.handoffs.queries import HandoffQueries


@dataclass
class ReviewServices:
    """Everything the handlers use; `desk` is set while the app runs (it needs an event loop)."""

    config: ReviewConfig
    clock: Clock
    engine: Engine
    tracker_engine: Engine
    handoffs: HandoffStore
    digests: HandoffDigests
    handoff_queries: HandoffQueries
    metrics: HandoffMetrics
    archive: ConversationArchive
    conversation_index: ConversationIndex
    conversation_queries: ConversationQueries
    reviews: ReviewStore
    users: UserStore
    throttle: LoginThrottle
    desk: Optional[DeskService] = None

    def dispose(self) -> None:
        """Close the database connection pools."""
        self.engine.dispose()
        self.tracker_engine.dispose()


def build_review_services(config: ReviewConfig, clock: Clock,
                          hasher: Optional[PasswordHasher] = None) -> ReviewServices:
    """Open both databases (creating our tables) and wire the stores and queries."""
    engine = create_database_engine(config.database_url)
    create_schema(engine)
    tracker_engine = open_tracker_engine(config.tracker_database_url)
    archive = ConversationArchive(tracker_engine)
    return ReviewServices(
        config=config,
        clock=clock,
        engine=engine,
        tracker_engine=tracker_engine,
        handoffs=HandoffStore(engine, clock),
        digests=HandoffDigests(engine),
        handoff_queries=HandoffQueries(engine),
        metrics=HandoffMetrics(engine),
        archive=archive,
        conversation_index=ConversationIndex(engine, archive),
        conversation_queries=ConversationQueries(engine, config.low_confidence),
        reviews=ReviewStore(engine, clock),
        users=UserStore(engine, hasher, clock),
        throttle=LoginThrottle(engine, config.throttle, clock),
    )
