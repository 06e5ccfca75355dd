"""Per-host pacing: a few requests in flight to one host at most, their starts spaced apart."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class _HostState:
    slots: threading.Semaphore
    turn: threading.Lock = field(default_factory=threading.Lock)
    last_start: float = float("-inf")


class HostPacing:
    """Slots and turns per host name, shared by every thread of one fetcher."""

    def __init__(self, per_host_concurrency: int):
        if per_host_concurrency < 1:
            raise ValueError("per_host_concurrency must be at least 1")
        self.per_host_concurrency = per_host_concurrency
        self._lock = threading.Lock()
        self._hosts: dict[str, _HostState] = {}

    @contextmanager
    def turn(self, host: str, interval: float):
        """Hold one of the host's slots, starting no sooner than ``interval`` after its last request."""
        with self._lock:
            state = self._hosts.get(host)
            if state is None:
                state = self._hosts[host] = _HostState(threading.Semaphore(self.per_host_concurrency))
        with state.slots:
            # The turn lock is held while sleeping on purpose: the threads
            # waiting for this host queue behind it and start one interval
            # apart, while other hosts are not held up at all.
            with state.turn:
                wait = state.last_start + interval - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                state.last_start = time.monotonic()
            yield
