"""Polling under real concurrency: pollers in threads released together, on SQLite and PostgreSQL.

The functions named `in_child_…` run inside a race process (tests/racing.py)
on that backend's database; the tests run them and check what the feed
server saw and what the database holds.
"""

import random
import time
from datetime import timedelta

import pytest

from tests.racing import BACKENDS, prepared_database, race

SLOW_FEED_DELAY = 0.4
ARTICLE_PATHS = [
    "/2024/05/16/night-trains-return-to-the-coast-line-after-nine-years.html",
    "/2024/05/15/drought-forces-marrow-valley-farmers-to-share-wells.html",
    "/2024/05/14/kestrel-bay-council-votes-to-rebuild-the-north-pier.html",
]


@pytest.fixture(params=BACKENDS)
def race_database(request, tmp_path_factory):
    return prepared_database(request.param, request, tmp_path_factory)


def most_at_once(requests):
    """The most of `requests` that were being answered at the same moment."""
    events = sorted([(r.started, 1) for r in requests] + [(r.finished, -1) for r in requests])
    current = highest = 0
    for _, step in events:
        current += step
        highest = max(highest, current)
    return highest


def new_source(url):
    from newsdesk.wire.models import Source

    Source.objects.filter(url=url).delete()
    return Source.objects.create(name=url.rsplit("/", 1)[-1], url=url)


# --- run in the race process ----------------------------------------------------


def in_child_pollers_keep_trying(url, threads, rounds):
    from django.utils import timezone

    from newsdesk.outbound.configured import shared_fetcher
    from newsdesk.wire.models import Poll, Source, WireItem
    from newsdesk.wire.pipeline import poll_source

    source = new_source(url)

    def work(number):
        polls = 0
        for _ in range(rounds):
            # Always due: only the lease stands between two pollers.
            Source.objects.filter(pk=source.pk).update(next_poll_at=timezone.now())
            if poll_source(Source.objects.get(pk=source.pk), shared_fetcher(), holder=f"thread-{number}"):
                polls += 1
            time.sleep(random.uniform(0, 0.05))
        return polls

    polls = sum(race(threads, work))
    return {
        "polls": polls,
        "poll_rows": Poll.objects.filter(source=source).count(),
        "items": WireItem.objects.filter(source=source).count(),
    }


def in_child_workers_tick(urls, threads):
    from django_tasks_db.models import DBTaskResult

    from newsdesk.wire import tasks
    from newsdesk.wire.models import Poll, Source

    # The race database is shared by the session: an earlier test's source
    # falls due again on a slow machine and would be queued beside these.
    Source.objects.exclude(url__in=urls).update(enabled=False)
    sources = [new_source(url) for url in urls]
    DBTaskResult.objects.all().delete()
    queued = race(threads, lambda number: tasks.poll_due_sources.call())
    # One task per source, or one round task for several (polling.py).
    in_queue = DBTaskResult.objects.filter(task_path="newsdesk.wire.tasks.poll_source").count() + sum(
        len(row.args_kwargs["args"][0])
        for row in DBTaskResult.objects.filter(task_path="newsdesk.wire.tasks.poll_sources")
    )
    marked = Source.objects.filter(pk__in=[s.pk for s in sources], poll_queued_at__isnull=False).count()

    def run_every_poll(number):
        order = [source.pk for source in sources]
        random.shuffle(order)
        return [tasks.poll_source.call(pk) for pk in order]

    answers = [answer for answers in race(threads, run_every_poll) for answer in answers]
    queued_again = race(threads, lambda number: tasks.poll_due_sources.call())
    return {
        "queued": sum(queued),
        "in_queue": in_queue,
        "marked": marked,
        "polled": sum(isinstance(answer, dict) and answer["ok"] for answer in answers),
        "poll_rows": [Poll.objects.filter(source=source).count() for source in sources],
        "queued_again": sum(queued_again),
        "still_marked": Source.objects.filter(pk__in=[s.pk for s in sources], poll_queued_at__isnull=False).count(),
    }


def in_child_second_poller_comes_after_the_first_lease(url, wait):
    from newsdesk.outbound.configured import shared_fetcher
    from newsdesk.wire.models import Poll, Source
    from newsdesk.wire.pipeline import poll_source

    source = new_source(url)
    first_lease_ends = {}

    def work(number):
        if number == 0:
            outcome = poll_source(Source.objects.get(pk=source.pk), shared_fetcher(), holder="first")
            return {"ok": outcome.ok, "new": outcome.new, "error": outcome.error}
        while not Source.objects.filter(pk=source.pk, locked_by__startswith="first").exists():
            time.sleep(0.01)
        first_lease_ends["at"] = Source.objects.get(pk=source.pk).locked_until
        time.sleep(wait)  # past the end of the lease as first taken
        held = Source.objects.get(pk=source.pk)
        outcome = poll_source(held, shared_fetcher(), holder="second")
        return {"polled": outcome is not None, "holder": held.locked_by,
                "renewed": held.locked_until > first_lease_ends["at"]}

    first, second = race(2, work)
    return {"first": first, "second": second, "poll_rows": Poll.objects.filter(source=source).count()}


def in_child_lease_taken_mid_poll(url):
    from django.utils import timezone

    from newsdesk.outbound.configured import shared_fetcher
    from newsdesk.wire.models import Poll, Source, WireItem
    from newsdesk.wire.pipeline import poll_source

    source = new_source(url)

    def work(number):
        if number == 0:
            outcome = poll_source(Source.objects.get(pk=source.pk), shared_fetcher(), holder="first")
            return {"ok": outcome.ok, "error": outcome.error}
        while not Poll.objects.filter(source=source).exists():
            time.sleep(0.01)
        time.sleep(0.5)  # the feed is in; the poll waits on its first (slow) article page
        Source.objects.filter(pk=source.pk).update(
            locked_by="intruder", locked_until=timezone.now() + timedelta(minutes=5)
        )
        return None

    first, _ = race(2, work)
    source.refresh_from_db()
    return {
        "first": first,
        "items": WireItem.objects.filter(source=source).count(),
        "holder": source.locked_by,
        "last_success_at": source.last_success_at,
    }


# --- the tests --------------------------------------------------------------------


def test_two_pollers_never_poll_one_source_at_once(race_database, feed_server):
    """Six workers poll one always-due source again and again: its feed is never fetched twice at once."""
    feed_server.set("/slow.xml", file="rss.xml", delay=SLOW_FEED_DELAY)
    result = race_database.run(
        "tests.wire.test_polling_races:in_child_pollers_keep_trying", url=feed_server.url("/slow.xml"),
        threads=6, rounds=3,
    )
    fetches = feed_server.requests_to("/slow.xml")
    assert most_at_once(fetches) == 1
    assert result["polls"] >= 2 and len(fetches) == result["polls"] == result["poll_rows"]
    assert result["items"] == 3


def test_a_due_source_is_polled_once_however_many_workers_tick(race_database, feed_server):
    """Eight workers tick together: each due source is queued once, and polled once."""
    paths = ["/rss.xml", "/atom.xml", "/feed.json"]
    for path in paths:
        feed_server.set(f"/tick{path}", file=path.lstrip("/"))
    result = race_database.run(
        "tests.wire.test_polling_races:in_child_workers_tick", urls=[feed_server.url(f"/tick{p}") for p in paths],
        threads=8,
    )
    assert result["queued"] == result["in_queue"] == result["marked"] == 3
    assert result["polled"] == 3 and result["poll_rows"] == [1, 1, 1]
    assert result["queued_again"] == 0 and result["still_marked"] == 0
    assert [len(feed_server.requests_to(f"/tick{path}")) for path in paths] == [1, 1, 1]


def test_a_lease_renewed_during_a_long_poll_is_not_stolen(race_database, feed_server):
    """A two-second lease, a five-second feed: the heartbeat keeps the lease, the second poller keeps out."""
    feed_server.set("/long.xml", file="rss.xml", delay=5.0)
    result = race_database.run(
        "tests.wire.test_polling_races:in_child_second_poller_comes_after_the_first_lease",
        settings={"NEWSDESK_POLL_LOCK_SECONDS": 2}, url=feed_server.url("/long.xml"), wait=3.0,
    )
    assert result["first"]["ok"] and result["first"]["new"] == 3
    assert result["second"] == {"polled": False, "holder": result["second"]["holder"], "renewed": True}
    assert result["second"]["holder"].startswith("first")
    assert result["poll_rows"] == 1 and len(feed_server.requests_to("/long.xml")) == 1


def test_a_poll_that_lost_its_lease_stops_storing(race_database, feed_server):
    """Another worker takes the lease while the poll fetches article pages: nothing more is stored."""
    feed_server.set("/taken.xml", file="rss.xml")
    for path in ARTICLE_PATHS:
        feed_server.set(path, file=path.lstrip("/"), delay=1.5)
    result = race_database.run(
        "tests.wire.test_polling_races:in_child_lease_taken_mid_poll",
        settings={"NEWSDESK_POLL_LOCK_SECONDS": 1}, url=feed_server.url("/taken.xml"),
    )
    assert not result["first"]["ok"] and "lease" in result["first"]["error"]
    assert result["items"] == 0
    assert result["holder"] == "intruder" and result["last_success_at"] is None
