"""Background tasks of the wire desk."""

from django_tasks import task

from newsdesk.newsroom.periodic import worker_id


@task()
def poll_due_sources():
    """Enqueue one poll per due source, so several workers share the polling."""
    from .pipeline import due_sources

    for source in due_sources():
        poll_source.enqueue(source.pk)


@task()
def poll_source(source_id):
    from .models import Source
    from .pipeline import make_fetcher, poll_source as poll

    source = Source.objects.filter(pk=source_id, enabled=True).first()
    if source is None:
        return None
    with make_fetcher() as fetcher:
        outcome = poll(source, fetcher, holder=worker_id())
    if outcome is None:
        return "locked"
    return {"ok": outcome.ok, "new": outcome.new, "updated": outcome.updated, "error": outcome.error}
