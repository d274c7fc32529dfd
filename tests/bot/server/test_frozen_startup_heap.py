"""`bot.server.frozen_startup_heap`: after Rasa loads the agent, what is alive leaves the collector's generations."""

from __future__ import annotations

import asyncio
import gc
import weakref
from typing import Any, Iterator, List

import pytest
import rasa.core.run
import rasa.server

from bot.server import frozen_startup_heap


@pytest.fixture(autouse=True)
def unfrozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Rasa's start-up function and an unfrozen heap before and after each test."""
    monkeypatch.setattr(rasa.core.run, "load_agent_on_start", rasa.core.run.load_agent_on_start)
    monkeypatch.setattr(rasa.server, "_load_agent", rasa.server._load_agent)
    monkeypatch.setattr(frozen_startup_heap, "_rasa_load_agent_on_start", None)
    monkeypatch.setattr(frozen_startup_heap, "_rasa_load_agent", None)
    gc.unfreeze()
    yield
    gc.unfreeze()


def _in_a_generation(thing: Any) -> bool:
    return any(candidate is thing for generation in range(3) for candidate in gc.get_objects(generation))


def test_freezing_moves_live_objects_out_of_every_generation_and_spares_later_ones() -> None:
    loaded_model = [{"vocabulary": list(range(10))}]
    assert _in_a_generation(loaded_model)
    frozen = frozen_startup_heap.freeze_heap()
    assert frozen == gc.get_freeze_count() > 0
    assert not _in_a_generation(loaded_model)
    one_turn = [{"event": "user"}]
    assert _in_a_generation(one_turn)


def test_frozen_garbage_made_later_is_still_collected() -> None:
    frozen_startup_heap.freeze_heap()
    cycle: List[Any] = []
    cycle.append(cycle)
    collected_before = gc.get_stats()[2]["collected"]
    del cycle
    gc.collect()
    assert gc.get_stats()[2]["collected"] > collected_before


def test_rasa_start_up_returns_the_agent_then_the_heap_is_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    started: List[Any] = []

    async def rasa_load_agent_on_start(model_path: str, endpoints: Any, remote_storage: Any, app: Any, loop: Any) -> str:
        started.append(model_path)
        assert gc.get_freeze_count() == 0
        return "agent"

    monkeypatch.setattr(rasa.core.run, "load_agent_on_start", rasa_load_agent_on_start)
    frozen_startup_heap.install()
    frozen_startup_heap.install()
    agent = asyncio.run(rasa.core.run.load_agent_on_start("models/x.tar.gz", None, None, None, None))
    assert agent == "agent" and started == ["models/x.tar.gz"]
    assert gc.get_freeze_count() > 0
    assert frozen_startup_heap._rasa_load_agent_on_start is rasa_load_agent_on_start


class Agent:
    """Stands in for a loaded Rasa agent: it refers to itself, as the real one's graph does."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.itself = self


def test_a_model_replaced_through_the_http_api_is_freed_and_the_new_one_frozen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`PUT /model` (trainer watch) swapped agents on a frozen heap: the old one never went away."""
    server = {"agent": Agent("first")}
    frozen_startup_heap.freeze_heap()
    first = weakref.ref(server["agent"])

    async def rasa_load_agent(model_path: str) -> Agent:
        return Agent(model_path)

    async def put_model(model_path: str) -> None:
        server["agent"] = await rasa.server._load_agent(model_path=model_path)
        await asyncio.sleep(0)

    monkeypatch.setattr(rasa.server, "_load_agent", rasa_load_agent)
    frozen_startup_heap.install()
    asyncio.run(put_model("second"))

    assert first() is None, "the replaced agent is still in memory"
    assert server["agent"].name == "second" and not _in_a_generation(server["agent"])
    assert frozen_startup_heap._rasa_load_agent is rasa_load_agent
