"""Per-host pacing: a few requests in flight to one host at most, their starts spaced apart."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

# Slack added to every pace above zero. We count a request's start when its
# headers leave; the host counts it when its server gets round to reading
# them. On a busy machine either side may be several scheduling slices late
# (benchmarks/ingest.py saw a host's own clock put two starts 62 ms closer
# than we sent them, on two cores running twenty processes), and a host
# measuring "one request a second" should not see two 0.95 s apart. 100 ms
# costs a tenth of a one-second pace.
PACE_MARGIN = 0.1


def paced(interval: float) -> float:
    """The wait between two starts that keeps ``interval`` as the host measures it."""
    return interval + PACE_MARGIN if interval > 0 else 0.0


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
        """Hold one of the host's slots, starting no sooner than ``interval`` after its last request.

        Yields ``sent``, to call when the request has actually gone out: the
        pace then counts from that moment, and the next request's turn only
        begins then, so a request slowed between its turn and the wire (a new
        connection, a busy process) never leaves the next one less than
        ``interval`` behind it at the server.
        """
        interval = paced(interval)
        with self._lock:
            state = self._hosts.get(host)
            if state is None:
                state = self._hosts[host] = _HostState(threading.Semaphore(self.per_host_concurrency))
        with state.slots:
            # The turn lock is held while sleeping, and until the request is
            # sent (or has failed), on purpose: the threads waiting for this
            # host queue behind it and go out one interval apart, while other
            # hosts are not held up at all.
            state.turn.acquire()
            holding = [True]

            def let_next_go():
                if holding.pop() if holding else False:
                    state.turn.release()

            def sent():
                state.last_start = max(state.last_start, time.monotonic())
                let_next_go()

            try:
                while (wait := state.last_start + interval - time.monotonic()) > 0:
                    time.sleep(wait)
                state.last_start = time.monotonic()
                yield sent
            finally:
                let_next_go()
