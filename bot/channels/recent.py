"""Remembers recently seen ids, so a redelivered update or retried event is handled once."""
from __future__ import annotations

from collections import OrderedDict


class RecentIds:
    """The last `size` ids seen in this process (a replica does not see the others' ids)."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def first_time(self, key: str) -> bool:
        """True the first time a key is seen, False for repeats; counts it as seen either way."""
        if key in self._ids:
            self._ids.move_to_end(key)
            return False
        self._ids[key] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True
