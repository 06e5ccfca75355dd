"""Helpers for the sections tests: saved feeds served as sources, polls, the site's model."""

from pathlib import Path

from django.utils import timezone

from newsdesk.stories.models import SectionPage
from newsdesk.wire.models import Source, WireItem
from newsdesk.wire.pipeline import poll_source

FEEDS = Path(__file__).parent / "feeds"
# The classifier's quick configuration: these tests are about filing, not accuracy.
QUICK = {"method": "linear"}


def serve_feed(feed_server, name, path=None):
    """Serve tests/sections/feeds/<name> at `path` (by default /<name>), its links pointing at the server."""
    path = path or f"/{name}"
    body = (FEEDS / name).read_bytes().replace(b"http://127.0.0.1:PORT", feed_server.base.encode())
    feed_server.set(path, body=body, content_type="application/rss+xml; charset=utf-8")
    return feed_server.url(path)


def add_source(feed_server, name, section_slug, path=None):
    return Source.objects.create(
        name=path or name, url=serve_feed(feed_server, name, path), section=SectionPage.objects.get(slug=section_slug)
    )


def poll(source, fetcher):
    """Poll `source` now; its items by title."""
    Source.objects.filter(pk=source.pk).update(next_poll_at=timezone.now())
    source.refresh_from_db()
    outcome = poll_source(source, fetcher)
    assert outcome is not None and outcome.ok, outcome and outcome.error
    return {item.title: item for item in WireItem.objects.filter(source=source).select_related("section")}


def section(slug):
    return SectionPage.objects.get(slug=slug)
