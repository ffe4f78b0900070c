"""A small bounded, thread-safe least-recently-used map for per-process caches of things
that never change once stored (a published version's outline, a module's quiz, a page's
statement shape). Every per-process cache in the app is bounded: a worker's memory stays
flat whatever it serves (issue 18)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable


class BoundedCache:
    """A small thread-safe LRU map. Values may be None ("no quiz" is an answer too)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, key):
        """The value kept for ``key`` (marked recently used), or None."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        return None

    def put(self, key, value) -> None:
        with self._lock:
            self._data[key] = value
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def get(self, key, load: Callable[[], object]):
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = load()  # outside the lock: a database read; a race only loads twice
        with self._lock:
            self._data[key] = value
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value
