"""Rasa's prediction graph run node after node in a fixed order, without dask's scheduler.

Rasa 3.6 runs the NLU pipeline and the policies of every message as a graph through `dask.get`,
which builds a task graph, orders it and keeps a scheduler's books for every run: about 0.6 ms of
each NLU run and 0.4 ms of each next-action prediction (two or three per message) on our model,
against 2.5 and 1.0 ms of actual work. `InOrderGraphRunner` calls the same nodes with the same
inputs, one after the other in an order fixed once per set of targets (every node after the nodes
it needs, as dask's single-threaded scheduler also runs them), so parse results and predictions
are the same. `install()` makes Rasa's message processor load models with it; training keeps
Rasa's runner.

A run can also be split: `run_ahead` runs the nodes one target needs and hands back their outputs,
and a later `run` inside `reusing(those outputs)` takes them instead of calling those nodes again
(`bot.server.encode_ahead` parses up to the sentence encoder while the encoding is under way).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Dict, Iterator, List, Optional, Set, Text, Tuple

from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner

# Node outputs (by node name) a `run` in this context takes instead of calling those nodes.
_DONE_AHEAD: ContextVar[Optional[Dict[Text, Any]]] = ContextVar("graph_nodes_done_ahead", default=None)


class InOrderGraphRunner(DaskGraphRunner):
    """`DaskGraphRunner` whose `run` calls the needed nodes in dependency order in this thread."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Rasa's runner (nodes built from the schema), with no node order worked out yet."""
        super().__init__(*args, **kwargs)
        self._orders: Dict[Tuple[Text, ...], List[Tuple[Text, List[Text]]]] = {}

    def run(self, inputs: Optional[Dict[Text, Any]] = None, targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
        """Run the nodes `targets` need (default: the schema's targets); return their outputs by name."""
        run_targets = list(targets) if targets else list(self._graph_schema.target_names)
        results = self._run_nodes(inputs, run_targets, _DONE_AHEAD.get() or {})
        return dict(results[target] for target in run_targets)

    def run_ahead(self, inputs: Optional[Dict[Text, Any]], target: Text) -> Dict[Text, Any]:
        """Run the nodes `target` needs (and `target`) now; return every node's output for a later
        `run` with the same inputs to take inside `reusing`."""
        order = self._order_for([target])
        results = self._run_nodes(inputs, [target], {})
        return {name: results[name] for name, _ in order}

    def _run_nodes(self, inputs: Optional[Dict[Text, Any]], targets: List[Text], done: Dict[Text, Any]) -> Dict[Text, Any]:
        """Every output on the way to `targets`, by name: the inputs, the outputs in `done`, and the
        other nodes called in dependency order."""
        results: Dict[Text, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and value in self._graph_schema.nodes:
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure that none of the input names "
                    f"passed to the `run` method are the same as node names in the graph schema."
                )
            results[name] = (name, value)
        for name, needs in self._order_for(targets):
            if name in done:
                results[name] = done[name]
            else:
                results[name] = self._instantiated_nodes[name](*(results.get(need, need) for need in needs))
        return results

    def _order_for(self, targets: List[Text]) -> List[Tuple[Text, List[Text]]]:
        """The nodes `targets` need, each after the nodes it needs, with those needs (cached)."""
        key = tuple(targets)
        if key not in self._orders:
            self._orders[key] = _dependency_order(self._graph_schema.minimal_graph_schema(targets))
        return self._orders[key]


def _dependency_order(schema: GraphSchema) -> List[Tuple[Text, List[Text]]]:
    """Every node of `schema` after the nodes it needs (schema order among independent nodes)."""
    ordered: List[Tuple[Text, List[Text]]] = []
    placed: Set[Text] = set()

    def place(name: Text) -> None:
        if name in placed or name not in schema.nodes:
            return
        placed.add(name)
        needs = list(schema.nodes[name].needs.values())
        for need in needs:
            place(need)
        ordered.append((name, needs))

    for node_name in schema.nodes:
        place(node_name)
    return ordered


@contextmanager
def reusing(done_ahead: Dict[Text, Any]) -> Iterator[None]:
    """Within the block, runs in this context take the node outputs of `done_ahead` (from `run_ahead`)."""
    token = _DONE_AHEAD.set(done_ahead)
    try:
        yield
    finally:
        _DONE_AHEAD.reset(token)


def install() -> None:
    """Make Rasa's message processor load prediction graphs with `InOrderGraphRunner` (idempotent)."""
    import rasa.core.processor

    rasa.core.processor.DaskGraphRunner = InOrderGraphRunner  # type: ignore[misc]
