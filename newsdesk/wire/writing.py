"""One writer at a time per process on SQLite, so concurrent polls never meet "database is locked".

SQLite lets one connection write at a time. A second writer waits up to
its busy timeout (five seconds here) and then fails with "database is
locked". A worker polling forty sources at once has forty threads that
each write a little now and then, while the same threads spend most of
their time extracting text with the GIL held: a thread inside a write
transaction may wait long for its turn on the GIL while the others queue
on SQLite's lock, and enough of them queued past the busy timeout fail.

A process-wide lock taken around each write keeps that queue in Python,
where waiting has no time limit, and leaves SQLite's busy timeout for
writers in other processes, which are few. PostgreSQL locks rows, not the
database, so there the lock is not taken.
"""

import os
import threading
from contextlib import contextmanager

from django.db import connection

_lock = threading.RLock()


def _new_lock():
    # A forked child must not inherit a lock some thread of the parent held.
    global _lock
    _lock = threading.RLock()


os.register_at_fork(after_in_child=_new_lock)


@contextmanager
def serialised_writes():
    """Hold this process's write lock while the block writes, when the database is SQLite."""
    if connection.vendor != "sqlite":
        yield
        return
    with _lock:
        yield
