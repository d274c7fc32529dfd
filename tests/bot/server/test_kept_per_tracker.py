"""`bot.server.kept_per_tracker`: a value kept per tracker object, gone with the tracker."""

from __future__ import annotations

import gc

from rasa.shared.core.trackers import DialogueStateTracker

from bot.server.kept_per_tracker import KeptPerTracker


def test_each_tracker_object_has_its_own_value_even_when_equal() -> None:
    kept: KeptPerTracker[str] = KeptPerTracker()
    first, second = DialogueStateTracker("c1", []), DialogueStateTracker("c1", [])
    assert first == second
    kept.put(first, "first")
    assert kept.get(first) == "first" and kept.get(second) is None
    kept.put(first, "replaced")
    kept.put(second, "second")
    assert (kept.get(first), kept.get(second)) == ("replaced", "second")
    kept.drop(first)
    assert kept.get(first) is None and kept.tracker_ids() == [id(second)]


def test_the_value_goes_with_its_tracker() -> None:
    kept: KeptPerTracker[str] = KeptPerTracker()
    tracker = DialogueStateTracker("c1", [])
    kept.put(tracker, "value")
    kept.put(tracker, "again")
    del tracker
    gc.collect()
    assert kept.tracker_ids() == []
