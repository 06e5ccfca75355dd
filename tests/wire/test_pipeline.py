"""The wire desk's pipeline, end to end, against saved feeds served on 127.0.0.1."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.stories.models import SectionPage
from newsdesk.wire.models import Poll, Source, WireItem
from newsdesk.wire.pipeline import make_fetcher, poll_due_sources, poll_source

pytestmark = pytest.mark.django_db

NIGHT_TRAINS = "Night trains return to the coast line after nine years"


@pytest.fixture(autouse=True)
def local_fetching(settings):
    # The demo's own wire sources (served by a running site) stay out of these tests.
    Source.objects.update(enabled=False)
    settings.NEWSDESK_FETCH_ALLOWED_NETWORKS = ("127.0.0.1/32",)
    settings.NEWSDESK_FETCH_PER_HOST_DELAY = 0.0
    settings.NEWSDESK_FETCH_TIMEOUT = 2.0
    settings.NEWSDESK_FETCH_MAX_BYTES = 1_000_000


@pytest.fixture
def fetcher():
    with make_fetcher() as fetcher:
        yield fetcher


def add_source(feed_server, path, **fields):
    return Source.objects.create(
        name=path, url=feed_server.url(path), section=SectionPage.objects.get(slug="world"), **fields
    )


def poll_again(source, fetcher):
    source.refresh_from_db()
    return poll_source(source, fetcher)


@pytest.mark.parametrize("path, count", [("/rss.xml", 3), ("/atom.xml", 2), ("/rdf.xml", 2), ("/feed.json", 3)])
def test_each_feed_format_is_stored(feed_server, fetcher, path, count):
    source = add_source(feed_server, path)
    outcome = poll_source(source, fetcher)
    assert outcome.ok and outcome.new == count
    assert WireItem.objects.filter(source=source).count() == count


def test_items_are_stored_once_across_polls_and_304_stores_nothing(feed_server, fetcher):
    feed_server.set("/rss.xml", file="rss.xml", etag='"v1"')
    source = add_source(feed_server, "/rss.xml")
    assert poll_source(source, fetcher).new == 3
    second = poll_again(source, fetcher)
    assert second.ok and second.not_modified and second.new == 0
    assert feed_server.requests_to("/rss.xml")[-1].headers["If-None-Match"] == '"v1"'
    feed_server.set("/rss.xml", file="rss.xml")  # no ETag now: the whole feed again
    third = poll_again(source, fetcher)
    assert third.new == 0 and third.unchanged == 3
    assert WireItem.objects.filter(source=source).count() == 3


def test_the_story_is_extracted_without_the_page_boilerplate(feed_server, fetcher):
    source = add_source(feed_server, "/rss.xml")
    poll_source(source, fetcher)
    item = WireItem.objects.get(source=source, title=NIGHT_TRAINS)
    assert not item.from_feed_only
    assert "utm_" not in item.url
    assert "<blockquote>" in item.html
    for boilerplate in ["Recent Posts", "All rights reserved", "hours ago"]:
        assert boilerplate not in item.text


def test_an_edited_item_updates_and_keeps_its_earlier_version(feed_server, fetcher):
    source = add_source(feed_server, "/rss.xml")
    poll_source(source, fetcher)
    edited = feed_server.saved("rss.xml").replace(NIGHT_TRAINS.encode(), b"Night trains return after nine years")
    feed_server.set("/rss.xml", body=edited, content_type="application/rss+xml")
    outcome = poll_again(source, fetcher)
    assert outcome.updated == 1 and outcome.new == 0
    item = WireItem.objects.get(source=source, title="Night trains return after nine years")
    assert [version.title for version in item.versions.all()] == [NIGHT_TRAINS]
    assert WireItem.objects.filter(source=source).count() == 3


def test_an_unreachable_article_falls_back_to_the_feed_text(feed_server, fetcher):
    feed_server.set("/2024/05/16/night-trains-return-to-the-coast-line-after-nine-years.html", status=500)
    source = add_source(feed_server, "/rss.xml")
    poll_source(source, fetcher)
    item = WireItem.objects.get(source=source, title=NIGHT_TRAINS)
    assert item.from_feed_only
    assert "500" in item.extraction_note
    assert item.text


def test_a_windows_1252_feed_keeps_its_accents(feed_server, fetcher):
    source = add_source(feed_server, "/windows-1252.xml")
    poll_source(source, fetcher)
    titles = " ".join(WireItem.objects.filter(source=source).values_list("title", flat=True))
    assert "é" in titles or "“" in titles or "«" in titles


def test_a_page_source_takes_its_article_links(feed_server, fetcher):
    source = add_source(feed_server, "/news/", kind=Source.Kind.PAGE)
    outcome = poll_source(source, fetcher)
    assert outcome.ok and outcome.new == 5
    assert all(item.title and item.text for item in WireItem.objects.filter(source=source))


FAILURES = [
    ("timeout", {"delay": 3.0}, "timed out"),
    ("server error", {"status": 500, "body": "Internal error"}, "500"),
    ("not found", {"status": 404, "body": "Not here"}, "404"),
    ("gone", {"status": 410, "body": "Gone for good"}, "410"),
    ("malformed", {"file": "malformed.xml"}, ""),
    ("html", {"file": "news/index.html", "content_type": "text/html"}, "HTML"),
    ("oversized", {"stream": 3_000_000}, "larger"),
]


@pytest.mark.parametrize("name, behaviour, reason", FAILURES, ids=[f[0] for f in FAILURES])
def test_a_failing_source_is_marked_backs_off_and_never_stops_the_others(feed_server, name, behaviour, reason):
    feed_server.set("/broken.xml", **behaviour)
    broken = add_source(feed_server, "/broken.xml")
    healthy = add_source(feed_server, "/atom.xml")
    before = timezone.now()
    outcomes = poll_due_sources()
    assert {outcome.source.pk: outcome.ok for outcome in outcomes} == {broken.pk: False, healthy.pk: True}
    broken.refresh_from_db()
    assert broken.consecutive_failures == 1
    assert reason.lower() in broken.last_error.lower()
    assert broken.next_poll_at > before + timedelta(minutes=4)
    assert WireItem.objects.filter(source=healthy).count() == 2
    assert Poll.objects.filter(source=broken, ok=False).count() == 1


def test_a_redirect_loop_is_a_failure_with_its_reason(feed_server, fetcher):
    feed_server.redirect("/loop-a.xml", "/loop-b.xml")
    feed_server.redirect("/loop-b.xml", "/loop-a.xml")
    source = add_source(feed_server, "/loop-a.xml")
    outcome = poll_source(source, fetcher)
    assert not outcome.ok and "loop" in outcome.error.lower()


def test_back_off_grows_with_each_failure(feed_server, fetcher):
    feed_server.set("/down.xml", status=503, body="Down for maintenance")
    source = add_source(feed_server, "/down.xml")
    delays = []
    for _ in range(3):
        poll_again(source, fetcher)
        source.refresh_from_db()
        delays.append(source.next_poll_at - source.last_polled_at)
    assert delays[0] < delays[1] < delays[2] <= timedelta(days=1)


def test_loopback_is_refused_unless_allowed(feed_server, settings):
    settings.NEWSDESK_FETCH_ALLOWED_NETWORKS = ()
    source = add_source(feed_server, "/rss.xml")
    with make_fetcher() as fetcher:
        outcome = poll_source(source, fetcher)
    assert not outcome.ok and "127.0.0.1" in outcome.error
    assert not WireItem.objects.filter(source=source).exists()


def test_a_source_is_never_polled_twice_at_once(feed_server, fetcher):
    source = add_source(feed_server, "/rss.xml")
    Source.objects.filter(pk=source.pk).update(
        locked_until=timezone.now() + timedelta(minutes=5), locked_by="another-worker"
    )
    assert poll_source(source, fetcher) is None
    assert not feed_server.requests_to("/rss.xml")
