"""The wire desk's pipeline, end to end, against saved feeds served on 127.0.0.1."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.stories.models import SectionPage
from newsdesk.wire.limits import MAX_RAW_CHARS, MAX_STORY_CHARS
from newsdesk.wire.models import Poll, Rule, Source, WireItem, WireItemVersion
from newsdesk.wire.pipeline import (
    MAX_ITEM_ATTEMPTS,
    claim,
    make_fetcher,
    mark_queued,
    poll_due_sources,
    poll_source,
    release,
)
from newsdesk.wire.retention import prune_history

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
    """Poll the source as if its next poll time had come."""
    Source.objects.filter(pk=source.pk).update(next_poll_at=timezone.now())
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


def test_the_page_fills_only_what_the_feed_left_out(feed_server, fetcher):
    """A feed item without an author or a picture gets its page's; the feed's own title, author and picture are kept."""
    feed = feed_server.saved("rss.xml").replace(b"/media/2024/05/sleeper-at-dawn.jpg", b"/media/2024/05/the-feed-s-own.jpg")
    # The drought story loses its author and picture in the feed; its page has both.
    feed = re.sub(rb"<dc:creator><!\[CDATA\[Tomas Reyes\]\]></dc:creator>|<enclosure [^>]*dry-well[^>]*/>", b"", feed)
    assert b"Tomas Reyes" not in feed and b"dry-well" not in feed
    feed_server.set("/full.xml", body=feed, content_type="application/rss+xml")
    source = add_source(feed_server, "/full.xml")
    poll_source(source, fetcher)

    described = WireItem.objects.get(source=source, title=NIGHT_TRAINS)  # title, author, picture: all in the feed
    assert described.author == "Ines Kowalczyk"
    assert described.image_url.endswith("/media/2024/05/the-feed-s-own.jpg")
    assert "<blockquote>" in described.html and not described.from_feed_only
    drought = WireItem.objects.get(source=source, title="Drought forces Marrow Valley farmers to share wells")
    assert drought.author == "Tomas Reyes"
    assert drought.image_url.endswith("/media/2024/05/dry-well.jpg")


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
    ("malformed", {"file": "malformed.xml"}, "malformed"),
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
    assert "/loop-a.xml" in outcome.error and "/loop-b.xml" in outcome.error
    assert feed_server.requests_to("/loop-a.xml") and feed_server.requests_to("/loop-b.xml")


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


def test_a_source_whose_lease_another_poll_holds_is_left_alone(feed_server, fetcher):
    """Concurrent pollers race for real in test_polling_races.py; here the lease is simply taken."""
    source = add_source(feed_server, "/rss.xml")
    Source.objects.filter(pk=source.pk).update(
        locked_until=timezone.now() + timedelta(minutes=5), locked_by="another-worker"
    )
    assert poll_source(source, fetcher) is None
    assert not feed_server.requests_to("/rss.xml")


def test_a_poll_reads_at_most_the_item_limit_and_logs_the_rest(feed_server, fetcher, settings):
    """Past NEWSDESK_POLL_MAX_ITEMS the newest items are read and the others counted as skipped."""
    settings.NEWSDESK_POLL_MAX_ITEMS = 2
    source = add_source(feed_server, "/rss.xml")
    outcome = poll_source(source, fetcher)
    assert outcome.ok and outcome.new == 2 and outcome.skipped == 1
    poll = Poll.objects.get(source=source)
    assert poll.skipped_items == 1 and "NEWSDESK_POLL_MAX_ITEMS" in poll.notes


def feed_of(items):
    """A JSON Feed of (url, title, content_html) items."""
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Generated",
        "items": [{"id": url, "url": url, "title": title, "content_html": html} for url, title, html in items],
    })


def test_a_poll_fetches_pages_from_a_bounded_number_of_other_hosts(feed_server, fetcher, settings):
    """Items on hosts beyond NEWSDESK_POLL_MAX_NEW_HOSTS keep the feed's text, and say why."""
    settings.NEWSDESK_POLL_MAX_NEW_HOSTS = 2
    hosts = [f"127.0.0.{n}" for n in range(2, 7)]
    stories = [(f"http://{host}:{feed_server.port}/story.html", f"Story on {host}", "<p>Feed text.</p>") for host in hosts]
    body = feed_of(stories)
    feed_server.set("/hosts.json", body=body, content_type="application/feed+json")
    source = add_source(feed_server, "/hosts.json")
    outcome = poll_source(source, fetcher)
    assert outcome.ok and outcome.new == 5
    notes = [item.extraction_note for item in WireItem.objects.filter(source=source)]
    assert sum("NEWSDESK_POLL_MAX_NEW_HOSTS" in note for note in notes) == 3
    assert all(item.from_feed_only and item.text == "Feed text." for item in WireItem.objects.filter(source=source))


def test_validators_too_long_for_their_columns_are_not_stored(feed_server, fetcher):
    feed_server.set("/rss.xml", file="rss.xml", etag='"' + "e" * 600 + '"', last_modified="x" * 150)
    source = add_source(feed_server, "/rss.xml")
    assert poll_source(source, fetcher).ok
    source.refresh_from_db()
    assert source.etag == "" and source.last_modified == ""


def test_a_huge_item_is_stored_within_the_size_limits(feed_server, settings):
    """A hostile feed cannot store a story, or a raw item, of any size it likes."""
    settings.NEWSDESK_FETCH_MAX_BYTES = 8_000_000
    huge = "<p>" + "word " * 500_000 + "</p>"  # 2.5 million characters
    item = {"id": "huge", "url": feed_server.url("/missing.html"), "title": "T" * 5000, "content_html": huge,
            "_extra": {"blob": "z" * 3_000_000, "deep": [[[[[[[[["bottom"]]]]]]]]]}}
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Huge", "items": [item]})
    feed_server.set("/huge.json", body=body, content_type="application/feed+json")
    source = add_source(feed_server, "/huge.json")
    with make_fetcher() as fetcher:
        assert poll_source(source, fetcher).new == 1
    stored = WireItem.objects.get(source=source)
    assert len(stored.title) <= 500
    assert 0 < len(stored.html) <= MAX_STORY_CHARS and 0 < len(stored.text) <= MAX_STORY_CHARS
    assert len(json.dumps(stored.raw)) < 2 * MAX_RAW_CHARS


def test_an_article_page_that_failed_is_fetched_again_on_a_later_poll(feed_server, fetcher):
    """A transient page failure is kept on the item and retried, though the feed has not changed."""
    page = "/2024/05/16/night-trains-return-to-the-coast-line-after-nine-years.html"
    feed_server.set(page, status=503, body="Busy")
    source = add_source(feed_server, "/rss.xml")
    poll_source(source, fetcher)
    item = WireItem.objects.get(source=source, title=NIGHT_TRAINS)
    assert item.from_feed_only and item.error_stage == "page" and item.attempts == 1 and "503" in item.error
    assert item.retry_at > timezone.now()

    feed_server.set(page, file=page.lstrip("/"))
    assert poll_again(source, fetcher).updated == 0  # not yet due: the item waits
    WireItem.objects.filter(pk=item.pk).update(retry_at=timezone.now() - timedelta(seconds=1))
    assert poll_again(source, fetcher).updated == 1
    item.refresh_from_db()
    assert not item.from_feed_only and item.error == "" and item.retry_at is None and item.attempts == 0
    assert not item.versions.exists()  # the story was not edited: no earlier version


def test_a_failing_rule_never_loses_the_item_and_is_retried(feed_server, fetcher):
    """The item is stored first; the rule's failure is kept on it and the rule runs again later."""
    source = Source.objects.create(name="No section", url=feed_server.url("/atom.xml"))
    Rule.objects.create(source=source, action=Rule.Action.PUBLISH)
    live_sections = list(SectionPage.objects.live().values_list("pk", flat=True))
    SectionPage.objects.filter(pk__in=live_sections).update(live=False)  # nowhere to publish: the rule fails
    outcome = poll_source(source, fetcher)
    assert outcome.ok and outcome.new == 2
    items = list(WireItem.objects.filter(source=source))
    assert len(items) == 2
    for item in items:
        assert item.status == WireItem.Status.NEW and item.error_stage == "rules" and item.attempts == 1
        assert "no section" in item.error and "rules failed" in item.status_reason
    assert "Rules failed" in Poll.objects.get(source=source).notes

    SectionPage.objects.filter(pk__in=live_sections).update(live=True)
    WireItem.objects.filter(source=source).update(retry_at=timezone.now() - timedelta(seconds=1))
    assert poll_again(source, fetcher).ok
    for item in WireItem.objects.filter(source=source):
        assert item.status == WireItem.Status.PUBLISHED and item.error == "" and item.retry_at is None


def test_a_rule_that_keeps_failing_holds_the_item_with_its_reason(feed_server, fetcher):
    source = Source.objects.create(name="No section", url=feed_server.url("/atom.xml"))
    Rule.objects.create(source=source, action=Rule.Action.PUBLISH)
    SectionPage.objects.update(live=False)
    poll_source(source, fetcher)
    for _ in range(MAX_ITEM_ATTEMPTS - 1):
        WireItem.objects.filter(source=source).update(retry_at=timezone.now() - timedelta(seconds=1))
        poll_again(source, fetcher)
    for item in WireItem.objects.filter(source=source):
        assert item.status == WireItem.Status.HELD and item.retry_at is None
        assert item.attempts == MAX_ITEM_ATTEMPTS and "rules failed" in item.status_reason


def test_release_by_another_holder_changes_nothing(feed_server):
    source = add_source(feed_server, "/rss.xml")
    now = timezone.now()
    assert claim(source, now, "worker-a")
    assert not claim(source, now, "worker-b")
    assert not release(source, "worker-b")
    source.refresh_from_db()
    assert source.locked_by == "worker-a" and source.locked_until > now
    assert release(source, "worker-a")
    source.refresh_from_db()
    assert source.locked_by == "" and source.locked_until is None


def test_a_source_is_claimed_only_when_due(feed_server):
    source = add_source(feed_server, "/rss.xml", next_poll_at=timezone.now() + timedelta(minutes=5))
    assert not claim(source, timezone.now(), "worker-a")
    assert claim(source, timezone.now(), "worker-a", due_only=False)  # `newsdesk ingest --all`


def test_a_source_is_queued_once_until_its_poll_ends_or_the_mark_goes_stale(feed_server, settings):
    settings.NEWSDESK_POLL_LOCK_SECONDS = 60
    source = add_source(feed_server, "/rss.xml")
    now = timezone.now()
    assert mark_queued(source, now)
    assert not mark_queued(source, now + timedelta(seconds=30))
    assert mark_queued(source, now + timedelta(seconds=61))  # the task was lost: queue it again
    assert claim(source, now, "worker-a") and release(source, "worker-a")
    assert Source.objects.get(pk=source.pk).poll_queued_at is None


def test_old_polls_and_versions_are_pruned(feed_server, fetcher, settings):
    settings.NEWSDESK_KEEP_POLLS_DAYS = 30
    settings.NEWSDESK_KEEP_VERSIONS_DAYS = 90
    source = add_source(feed_server, "/rss.xml")
    poll_source(source, fetcher)
    item = WireItem.objects.filter(source=source).first()
    old, recent = timezone.now() - timedelta(days=91), timezone.now() - timedelta(days=29)
    Poll.objects.create(source=source, started_at=old)
    Poll.objects.create(source=source, started_at=recent)
    WireItemVersion.objects.create(item=item, title="Old", replaced_at=old)
    WireItemVersion.objects.create(item=item, title="Recent", replaced_at=recent)
    assert prune_history() == {"polls": 1, "versions": 1}
    assert Poll.objects.filter(source=source).count() == 2
    assert list(WireItemVersion.objects.filter(item=item).values_list("title", flat=True)) == ["Recent"]
    settings.NEWSDESK_KEEP_POLLS_DAYS = 0  # keep for ever
    Poll.objects.create(source=source, started_at=old)
    assert prune_history()["polls"] == 0
