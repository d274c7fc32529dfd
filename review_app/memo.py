"""A small thread-safe least-recently-used memo for results that are costly to compute."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Hashable, TypeVar

T = TypeVar("T")


class Memo:
    """Keeps up to `size` results by key; the least recently used is dropped first."""

    def __init__(self, size: int = 64) -> None:
        """Remember at most `size` results."""
        self._size = size
        self._results: "OrderedDict[Hashable, object]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The remembered result for `key`, computed now (once) if missing."""
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]  # type: ignore[return-value]
            result = compute()
            self._results[key] = result
            while len(self._results) > self._size:
                self._results.popitem(last=False)
            return result
