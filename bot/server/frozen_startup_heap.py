"""The objects a Rasa server holds once its model is loaded are moved out of the garbage collector's way.

Loading the model leaves a few million long-lived objects (TensorFlow, Rasa's graph, the domain,
the NLU components' vocabularies). Python's cyclic garbage collector walks all of them in every
full collection, and a busy server triggers one every few hundred messages: measured in the server
under 20 conversations, a noticeable share of the event loop's CPU per message. `install()`
makes Rasa's `load_agent_on_start` end with `gc.freeze()` after one collection, so the loaded model
sits in the permanent generation: collections still run as before, on what the turns allocate,
but no longer walk the model. Nothing a turn computes changes; an agent replaced later through
the HTTP API stays in memory alongside the new one (frozen objects are never freed).
"""

from __future__ import annotations

import functools
import gc
from typing import Any, Awaitable, Callable, Optional

import rasa.core.run

_rasa_load_agent_on_start: Optional[Callable[..., Awaitable[Any]]] = None


def freeze_heap() -> int:
    """Collect once, then move every object still alive to the permanent generation; how many."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def install() -> None:
    """Make Rasa's server start-up freeze the heap after loading the agent (idempotent)."""
    global _rasa_load_agent_on_start
    if _rasa_load_agent_on_start is not None:
        return
    _rasa_load_agent_on_start = original = rasa.core.run.load_agent_on_start

    @functools.wraps(original)
    async def load_agent_then_freeze(*args: Any, **kwargs: Any) -> Any:
        loaded = await original(*args, **kwargs)
        freeze_heap()
        return loaded

    rasa.core.run.load_agent_on_start = load_agent_then_freeze  # type: ignore[assignment]
