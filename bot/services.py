"""Builds the stores and services the actions use, from settings, in one explicit start-up step."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from bot.clock import Clock, system_clock
from bot.handoff.business_hours import BusinessHours
from bot.handoff.desk_notice import Desk, LogDesk
from bot.handoff.start import HandoffService
from bot.handoff.store import HandoffStore
from bot.records.database import create_database_engine
from bot.records.feedback_store import FeedbackStore
from bot.records.nps_store import NpsStore
from bot.records.schema_migrations import create_schema
from bot.records.ticket_store import TicketStore
from bot.settings import REPO_ROOT, Settings, load_settings
from bot.shop.catalogue import Catalogue
from bot.shop.company_policies import PolicyBook
from bot.shop.orders import OrderBook, YamlOrderBook

SHOP_DATA = REPO_ROOT / "data" / "shop"
VAR_DIR = REPO_ROOT / "var"


@dataclass(frozen=True)
class Services:
    """Everything an action needs, built once per process."""

    settings: Settings
    catalogue: Catalogue
    orders: OrderBook
    policies: PolicyBook
    handoffs: HandoffStore
    handoff_service: HandoffService
    tickets: TicketStore
    feedback: FeedbackStore
    nps: NpsStore
    clock: Clock


def build_services(
    settings: Optional[Settings] = None,
    clock: Clock = system_clock,
    desk: Optional[Desk] = None,
    shop_data: Path = SHOP_DATA,
) -> Services:
    """Open the database (creating tables), load shop data and wire the services."""
    settings = settings or load_settings()
    engine = create_database_engine(settings.database_url)
    create_schema(engine)
    handoffs = HandoffStore(engine, clock)
    desk = desk or LogDesk(VAR_DIR / "desk_notifications.jsonl")
    return Services(
        settings=settings,
        catalogue=Catalogue.from_yaml(shop_data / "catalogue.yml"),
        orders=YamlOrderBook.from_yaml(shop_data / "orders.yml"),
        policies=PolicyBook.from_yaml(shop_data / "policies.yml"),
        handoffs=handoffs,
        handoff_service=HandoffService(handoffs, desk, BusinessHours(settings.handoff), clock),
        tickets=TicketStore(engine, clock),
        feedback=FeedbackStore(engine, clock),
        nps=NpsStore(engine, settings.nps.cooldown_hours, clock),
        clock=clock,
    )


_default_services_lock = threading.Lock()


@lru_cache(maxsize=1)
def _built_default_services() -> Services:
    return build_services()


def default_services() -> Services:
    """The process-wide services, built on first use from `settings.yml` and the environment
    (once, even when actions start on several worker threads at the same time)."""
    with _default_services_lock:
        return _built_default_services()
