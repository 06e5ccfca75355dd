"""Polling many sources at once in one worker process: a bounded pool of threads, fed host by host.

Why threads: a poll spends nearly all its time waiting, on the network and
on each host's pace, and the existing outbound client, Django's ORM and the
pipeline are synchronous. A pool of threads runs them as they are, each
thread with its own database connection; asyncio would mean a second,
asynchronous copy of the client and a thread hop for every ORM call. The
part that needs a processor, extraction, can go to processes of its own
(extraction_pool.py), and writes to SQLite take turns (writing.py).

Why "host by host": every request waits for its host's slot and pace
(newsdesk/outbound/pacing.py), sleeping in the thread that made it. Handed
the due sources in order, a pool of 40 threads could spend itself on
the ten sources of one host, all asleep behind that host's one request a
second, while the other hosts sit idle. So sources are started
round-robin over their feed's host, with no more polls of one host
running than the host takes requests at once: every thread then has work
that can proceed, and every host is kept busy.

Nothing here decides whether a source is polled: each poll still takes the
source's lease (pipeline.claim), so any number of processes may run rounds
over the same sources and each source is polled once.
"""

import logging
from collections import Counter, OrderedDict, deque
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from urllib.parse import urlsplit

from django.db import connection, connections

from newsdesk import conf

from .pipeline import PollOutcome, poll_source

logger = logging.getLogger(__name__)


def poll_concurrently(sources, fetcher, holder="newsdesk", due_only=True, workers=None):
    """Poll `sources`, up to `workers` at once; yield (source, outcome) as each poll ends.

    The outcome is None when the source was not due or another poll held it.
    `workers` defaults to NEWSDESK_POLL_CONCURRENCY. Inside a transaction
    the polls run one after another in the caller's thread: other threads
    could not see the transaction's rows.
    """
    workers = workers or conf.get("NEWSDESK_POLL_CONCURRENCY")
    sources = list(sources)
    if workers <= 1 or len(sources) <= 1 or connection.in_atomic_block:
        for source in sources:
            yield source, _poll(source, fetcher, holder, due_only)
        return
    per_host = fetcher.per_host_concurrency
    waiting = by_host(sources)
    running = {}  # future -> (source, host)
    busy = Counter()
    with ThreadPoolExecutor(max_workers=min(workers, len(sources)), thread_name_prefix="poll") as pool:
        while waiting or running:
            for source, host in next_polls(waiting, busy, per_host, workers - len(running)):
                running[pool.submit(_poll_in_thread, source, fetcher, holder, due_only)] = (source, host)
                busy[host] += 1
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                source, host = running.pop(future)
                busy[host] -= 1
                yield source, future.result()


def by_host(sources):
    """The sources grouped by their feed's host, each group in the order given."""
    groups = OrderedDict()
    for source in sources:
        host = (urlsplit(source.url).hostname or "").lower()
        groups.setdefault(host, deque()).append(source)
    return groups


def next_polls(waiting, busy, per_host, room):
    """Up to `room` (source, host) pairs to start now, taken round-robin over the hosts.

    A host already running `per_host` polls gives none: its requests could
    not start anyway. Taken sources leave `waiting`; emptied hosts too.
    """
    chosen = []
    planned = Counter()
    progressed = True
    while room > 0 and progressed:
        progressed = False
        for host in list(waiting):
            if room <= 0:
                break
            if busy[host] + planned[host] >= per_host:
                continue
            queue = waiting[host]
            chosen.append((queue.popleft(), host))
            planned[host] += 1
            if not queue:
                del waiting[host]
            room -= 1
            progressed = True
    return chosen


def _poll(source, fetcher, holder, due_only):
    """One poll; a failure outside the pipeline's own handling (the database down) becomes its outcome."""
    try:
        return poll_source(source, fetcher, holder=holder, due_only=due_only)
    except Exception as error:
        logger.exception("Polling %s failed", source)
        return PollOutcome(source=source, error=f"Internal error: {error.__class__.__name__}: {error}")


def _poll_in_thread(source, fetcher, holder, due_only):
    try:
        return _poll(source, fetcher, holder, due_only)
    finally:
        # Each pool thread has its own connection; the pool outlives none of them.
        connections.close_all()
