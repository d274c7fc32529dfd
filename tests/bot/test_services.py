"""Tests for bot/services.py: one explicit start-up step wires real stores on the configured database."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import List

import pytest
import sqlalchemy as sa

from bot import services as services_module

from bot.handoff.desk_notice import LogDesk
from bot.services import Services, build_services
from bot.settings import FrustrationSettings, NpsSettings, Settings
from tests.builders import ManualClock


def test_build_services_creates_the_database_and_tables(tmp_path: Path, clock: ManualClock) -> None:
    database = tmp_path / "new" / "brightway.db"  # the folder does not exist yet

    build_services(Settings(database_url=f"sqlite:///{database}"), clock=clock, desk=LogDesk(tmp_path / "d.jsonl"))

    tables = set(sa.inspect(sa.create_engine(f"sqlite:///{database}")).get_table_names())
    assert {"handoffs", "tickets", "feedback", "nps_asks", "nps_scores"} <= tables


def test_services_follow_settings_and_share_the_clock(database_url: str, tmp_path: Path, clock: ManualClock) -> None:
    settings = Settings(
        database_url=database_url,
        frustration=FrustrationSettings(threshold=0.7),
        nps=NpsSettings(cooldown_hours=1),
    )

    services = build_services(settings, clock=clock, desk=LogDesk(tmp_path / "d.jsonl"))

    assert services.settings is settings
    assert services.settings.frustration.threshold == 0.7
    assert services.clock is clock
    assert services.tickets.log("c-1", "rest", "x").created_at == clock()
    services.nps.record_ask("alice", "c-1")
    clock.advance(minutes=61)
    assert services.nps.may_ask("alice") is True


def test_services_load_the_shop_data(services: Services) -> None:
    assert services.catalogue.find("aura speaker") is not None
    assert services.orders.find("#55213") is not None
    assert services.policies.get("returns") is not None


def test_the_same_database_is_shared_by_every_store(services: Services, tmp_path: Path) -> None:
    services.feedback.record("c-1", "rest", "nice")
    ticket = services.tickets.log("c-1", "rest", "bad")

    # A second start-up on the same settings sees what the first stored.
    again = build_services(services.settings, clock=services.clock, desk=LogDesk(tmp_path / "d.jsonl"))
    assert again.feedback.for_conversation("c-1") == ["nice"]
    assert again.tickets.get(ticket.reference).text == "bad"


def test_default_services_are_built_once_when_threads_ask_at_the_same_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process actions run on worker threads; the first burst must not build two sets. Each
    build waits (up to 1 s) for all four threads to be building, so unguarded builds overlap."""
    built: List[object] = []
    all_building = threading.Event()

    def slow_build() -> object:
        built.append(object())
        if len(built) == 4:
            all_building.set()
        all_building.wait(1.0)
        return built[-1]

    monkeypatch.setattr(services_module, "build_services", slow_build)
    services_module._built_default_services.cache_clear()
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = [pool.submit(services_module.default_services) for _ in range(4)]
            got = {id(result.result(timeout=10)) for result in results}
    finally:
        services_module._built_default_services.cache_clear()
    assert len(built) == 1
    assert got == {id(built[0])}
