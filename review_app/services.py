"""The stores and queries the review app works with, built once by `create_app`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from argon2 import PasswordHasher
from sqlalchemy.engine import Engine

from bot.clock import Clock
from bot.conversation_archive import ConversationArchive, open_tracker_engine
from bot.conversation_index import ConversationIndex
from bot.conversation_queries import ConversationQueries
from bot.database import create_database_engine, create_schema
from bot.desk_service import DeskService
from bot.handoff_digest import HandoffDigests
from bot.handoff_metrics import HandoffMetrics
from bot.handoff_queries import HandoffQueries
from bot.handoff_store import HandoffStore
from bot.login_throttle import LoginThrottle
from bot.review_store import ReviewStore
from bot.user_store import UserStore
from review_app.config import ReviewConfig


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
