"""A per-process cache of computed page parts (rendered HTML, serialised JSON, assembled contexts).

Keys must name every input of what is cached: the version tokens of the data (:mod:`kesu.caching.
versions`, which are correct across processes because they live in the database), today's date when
the value depends on it, the settings it depends on, and the viewer's *variant* (role, whether they
may administer) — never anything of one user that another must not see: no CSRF token, no name, no
message. Values are shared between the requests of a process: treat them as read-only.

Entries also expire after :data:`TIMEOUT` seconds, which bounds the damage of a write that bypassed
the version tokens by mistake.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")

TIMEOUT = 600
MAX_BYTES = 64 * 1024 * 1024

_entries: OrderedDict[Hashable, tuple[float, int, object]] = OrderedDict()
_size = 0
_lock = threading.Lock()


def _cost(value) -> int:
    if isinstance(value, (str, bytes)):
        return len(value) + 64
    return sys.getsizeof(value) + 4096


def get(key: Hashable):
    with _lock:
        entry = _entries.get(key)
        if entry is None:
            return None
        expires, _, value = entry
        if expires < time.monotonic():
            _drop(key)
            return None
        _entries.move_to_end(key)
        return value


def put(key: Hashable, value, cost: int | None = None) -> None:
    global _size
    cost = _cost(value) if cost is None else cost
    with _lock:
        if key in _entries:
            _drop(key)
        _entries[key] = (time.monotonic() + TIMEOUT, cost, value)
        _size += cost
        while _size > MAX_BYTES and len(_entries) > 1:
            _drop(next(iter(_entries)))


def _drop(key) -> None:
    global _size
    _, cost, _ = _entries.pop(key)
    _size -= cost


def get_or_compute(key: Hashable, compute: Callable[[], T], cost: Callable[[T], int] | None = None) -> T:
    """The cached value of ``key``, computed (outside the lock: two threads may both compute it, which
    is cheaper than making one wait) and stored when missing, counted as ``cost(value)`` bytes (by
    default: the length of a string, a rough size of anything else)."""
    value = get(key)
    if value is None:
        value = compute()
        put(key, value, None if cost is None else cost(value))
    return value


def clear() -> None:
    global _size
    with _lock:
        _entries.clear()
        _size = 0
