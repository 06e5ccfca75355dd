"""Background tasks of the wire desk."""

import logging

from django.utils import timezone
from django_tasks import task

from newsdesk import conf
from newsdesk.newsroom.periodic import worker_id

logger = logging.getLogger(__name__)


# A round task carries at most this many polling threads' worth of sources:
# enough to keep one worker's threads and every host busy, while a large
# backlog (a restart, a day's outage) is split into tasks other workers take.
ROUND_SIZE_IN_THREADS = 4


@task()
def poll_due_sources():
    """Queue the due sources in round tasks, so several workers share the polling.

    Each task polls its sources concurrently (polling.py). A source is
    queued only when it is due, free and has none queued already
    (pipeline.mark_queued), so a backlog in the queue never turns into a
    pile of polls of one source. With NEWSDESK_POLL_CONCURRENCY at 1, each
    source gets a task of its own, as workers that run one poll at a time
    share them best.
    """
    from .pipeline import due_sources, mark_queued, unmark_queued
    from .polling import by_host

    now = timezone.now()
    marked = [source for source in due_sources(now) if mark_queued(source, now)]
    concurrency = conf.get("NEWSDESK_POLL_CONCURRENCY")
    # Host by host, so each task holds sources of as many hosts as can be.
    groups = list(by_host(marked).values())
    interleaved = [group[i] for i in range(max(map(len, groups), default=0)) for group in groups if i < len(group)]
    size = concurrency * ROUND_SIZE_IN_THREADS if concurrency > 1 else 1
    for start in range(0, len(interleaved), size):
        batch = interleaved[start:start + size]
        try:
            if len(batch) == 1:
                poll_source.enqueue(batch[0].pk)
            else:
                poll_sources.enqueue([source.pk for source in batch])
        except Exception:
            for source in interleaved[start:]:
                unmark_queued(source, now)  # the next tick tries again
            raise
    return len(interleaved)


@task()
def poll_sources(source_ids):
    """Poll these sources, NEWSDESK_POLL_CONCURRENCY at once, with this process's shared fetcher."""
    from newsdesk.outbound.configured import shared_fetcher

    from .models import Source
    from .polling import poll_concurrently

    sources = list(Source.objects.filter(pk__in=source_ids, enabled=True))
    Source.objects.filter(pk__in=source_ids, enabled=False).update(poll_queued_at=None)
    totals = {"polled": 0, "busy": 0, "failed": 0, "new": 0}
    for _source, outcome in poll_concurrently(sources, shared_fetcher(), holder=worker_id()):
        if outcome is None:
            totals["busy"] += 1
            continue
        totals["polled"] += 1
        totals["failed"] += not outcome.ok
        totals["new"] += outcome.new
    return totals


@task()
def poll_source(source_id):
    """Poll one source with this process's shared fetcher (robots.txt and pacing carry over)."""
    from newsdesk.outbound.configured import shared_fetcher

    from .models import Source
    from .pipeline import poll_source as poll

    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        return None
    if not source.enabled:
        Source.objects.filter(pk=source_id).update(poll_queued_at=None)
        return "disabled"
    outcome = poll(source, shared_fetcher(), holder=worker_id())
    if outcome is None:
        return "busy or not due"
    return {
        "ok": outcome.ok,
        "new": outcome.new,
        "updated": outcome.updated,
        "skipped": outcome.skipped,
        "failed": outcome.failed,
        "error": outcome.error,
    }


@task()
def prune_history():
    """Delete poll log rows and earlier item versions past their retention."""
    from .retention import prune_history as prune

    return prune()


@task()
def decide_best_reports():
    """Publish the best report of each story whose wait has ended, and hold the others (rules.decide_due_reports)."""
    from .rules import decide_due_reports

    return decide_due_reports()
