"""Background tasks of the wire desk."""

import logging

from django.utils import timezone
from django_tasks import task

from newsdesk.newsroom.periodic import worker_id

logger = logging.getLogger(__name__)


@task()
def poll_due_sources():
    """Queue one poll task per due source, so several workers share the polling.

    A source gets a task only when it is due, free and has none queued
    already (pipeline.mark_queued), so a backlog in the queue never turns
    into a pile of polls of one source.
    """
    from .pipeline import due_sources, mark_queued, unmark_queued

    now = timezone.now()
    queued = 0
    for source in due_sources(now):
        if not mark_queued(source, now):
            continue
        try:
            poll_source.enqueue(source.pk)
        except Exception:
            unmark_queued(source, now)  # the next tick tries again
            raise
        queued += 1
    return queued


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
