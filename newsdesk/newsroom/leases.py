"""Leases: a database row that one worker holds for a while, won and kept with conditional UPDATEs.

Any number of worker processes, on any number of machines, may want the same
row at once: the periodic job due now, the wire source due for a poll. The
database decides. A worker takes the lease with one UPDATE whose WHERE says
"and nobody holds it" (plus whatever else must be true, such as "is due"); the
database runs concurrent UPDATEs of one row one after another, so exactly one
of them changes the row and sees a row count of 1. The lease runs out by
itself at its end time, so a crashed worker's lease frees itself; a worker
still at work renews it (`renew`, or a `Heartbeat` thread) and gives it back
with `release`. Renewing and releasing name the holder in their WHERE, so a
worker whose lease ran out and was taken by another can change nothing.

Nothing here knows about jobs or sources: a `Lease` names the model and the
two columns (who holds it, until when) that make up the lease.
"""

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta

from django.db import connections
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lease:
    """The lease kept in `model`'s `holder_field` and `until_field` columns."""

    model: type
    holder_field: str
    until_field: str

    def take(self, pk, holder, now, duration, condition=None, **also):
        """Give the row to `holder` until `now + duration` if it is free and `condition` holds.

        `also` are further columns set by the same UPDATE. True when this call won.
        """
        free = Q(**{f"{self.until_field}__isnull": True}) | Q(**{f"{self.until_field}__lte": now})
        rows = self.model.objects.filter(pk=pk).filter(free)
        if condition is not None:
            rows = rows.filter(condition)
        won = rows.update(**{self.until_field: now + duration, self.holder_field: holder}, **also)
        return won == 1

    def renew(self, pk, holder, duration, now=None):
        """Move the end of `holder`'s lease to `now + duration`; False when `holder` no longer has it."""
        now = now or timezone.now()
        renewed = self.model.objects.filter(pk=pk, **{self.holder_field: holder}).update(
            **{self.until_field: now + duration}
        )
        return renewed == 1

    def release(self, pk, holder, **also):
        """Free the row if `holder` still holds it (and set `also`); False when it did not."""
        released = self.model.objects.filter(pk=pk, **{self.holder_field: holder}).update(
            **{self.until_field: None, self.holder_field: ""}, **also
        )
        return released == 1

    def is_held_by(self, pk, holder, for_update=False):
        """Whether `holder` still holds the row; `for_update` locks it until the transaction ends."""
        rows = self.model.objects.filter(pk=pk, **{self.holder_field: holder})
        if for_update:
            rows = rows.select_for_update()
        return rows.exists()


class Heartbeat(threading.Thread):
    """Renews a lease every third of its length while a long piece of work runs.

    A third leaves two missed beats of slack (a busy database, a paused
    process) before the lease can run out under the worker. When a renewal
    finds the lease in other hands, `lost` is set and the beating stops: the
    work should stop writing. A renewal that fails with a database error is
    retried at the next beat; only another holder counts as a loss.

    Use it as a context manager around the work.
    """

    def __init__(self, lease, pk, holder, duration):
        super().__init__(name=f"lease-heartbeat-{pk}", daemon=True)
        self.lease = lease
        self.pk = pk
        self.holder = holder
        self.duration = duration
        self.lost = threading.Event()
        self._stopping = threading.Event()

    def run(self):
        interval = max(self.duration / 3, timedelta(milliseconds=50)).total_seconds()
        try:
            while not self._stopping.wait(interval):
                try:
                    renewed = self.lease.renew(self.pk, self.holder, self.duration)
                except Exception:
                    logger.warning("Could not renew the lease on %s %s", self.lease.model.__name__, self.pk,
                                   exc_info=True)
                    continue
                if not renewed:
                    logger.warning("%s %s: the lease of %s was taken over", self.lease.model.__name__, self.pk,
                                   self.holder)
                    self.lost.set()
                    return
        finally:
            # This thread's own database connection; the worker's stays open.
            connections.close_all()

    def stop(self):
        self._stopping.set()
        if self.is_alive():
            self.join()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()
