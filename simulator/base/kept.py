"""A small thread-safe store of recent values, the least recently used going first.

For the caches a process keeps between runs (prepared plans, a chunk's luck): the app's
sessions simulate in threads, so every access takes the store's lock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Kept(Generic[K, V]):
    """Values by key, at most `most` in total `size` (each value's size: 1 by default).

    A value larger than `most` on its own is not kept.
    """

    def __init__(self, most: float, size: Callable[[V], float] = lambda value: 1):
        self.most, self._size = most, size
        self._values: OrderedDict[K, V] = OrderedDict()
        self._total = 0.0
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value kept under `key` (now the most recently used), or None."""
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        """Keep `value`; the least recently used values go until the total fits."""
        size = self._size(value)
        if size > self.most:
            return
        with self._lock:
            if key in self._values:
                self._total -= self._size(self._values.pop(key))
            self._values[key] = value
            self._total += size
            while self._total > self.most:
                _, old = self._values.popitem(last=False)
                self._total -= self._size(old)

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._values.clear()
            self._total = 0.0

    @property
    def total(self) -> float:
        """The kept values' total size."""
        with self._lock:
            return self._total
