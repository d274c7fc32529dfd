"""The objects a Rasa server holds once its model is loaded are moved out of the garbage collector's way.

Loading the model leaves a few million long-lived objects (TensorFlow, Rasa's graph, the domain,
the NLU components' vocabularies). Python's cyclic garbage collector walks all of them in every
full collection, and a busy server triggers one every few hundred messages: measured in the server
under 20 conversations, a noticeable share of the event loop's CPU per message. `install()`
makes Rasa's `load_agent_on_start` end with `gc.freeze()` after one collection, so the loaded model
sits in the permanent generation: collections still run as before, on what the turns allocate,
but no longer walk the model. Nothing a turn computes changes.

A model loaded later through the HTTP API (`PUT /model`, which `python -m bot.trainer watch` uses
after every retraining) goes through Rasa's `rasa.server._load_agent`: that unfreezes the heap
first and freezes it again once the server has swapped agents, so the replaced agent is collected
instead of staying frozen in memory beside the new one.
"""

from __future__ import annotations

import asyncio
import functools
import gc
from typing import Any, Awaitable, Callable, Optional

import rasa.core.run
import rasa.server

_rasa_load_agent_on_start: Optional[Callable[..., Awaitable[Any]]] = None
_rasa_load_agent: Optional[Callable[..., Awaitable[Any]]] = None


def freeze_heap() -> int:
    """Collect once, then move every object still alive to the permanent generation; how many."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def unfrozen_while_loading(load: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """`load` (an agent loader) run on an unfrozen heap, with the heap frozen again on the event
    loop's next turn, after the caller has put the new agent in place of the old one."""

    @functools.wraps(load)
    async def load_unfrozen(*args: Any, **kwargs: Any) -> Any:
        gc.unfreeze()
        try:
            return await load(*args, **kwargs)
        finally:
            asyncio.get_running_loop().call_soon(freeze_heap)

    return load_unfrozen


def install() -> None:
    """Make Rasa's server start-up freeze the heap after loading the agent, and its model
    replacement unfreeze and refreeze it (idempotent)."""
    global _rasa_load_agent_on_start, _rasa_load_agent
    if _rasa_load_agent_on_start is not None:
        return
    _rasa_load_agent = rasa.server._load_agent
    rasa.server._load_agent = unfrozen_while_loading(_rasa_load_agent)  # type: ignore[assignment]
    _rasa_load_agent_on_start = original = rasa.core.run.load_agent_on_start

    @functools.wraps(original)
    async def load_agent_then_freeze(*args: Any, **kwargs: Any) -> Any:
        loaded = await original(*args, **kwargs)
        freeze_heap()
        return loaded

    rasa.core.run.load_agent_on_start = load_agent_then_freeze  # type: ignore[assignment]
