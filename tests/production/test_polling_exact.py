"""Each source is polled exactly as often as its interval allows, by two RQ workers on PostgreSQL.

The wire desk's "no duplicate item" guarantee has a unique constraint
behind it, so counting items cannot show a source polled twice. The poll
log can: every poll writes a Poll row, and nothing stops two rows for the
same moment but the source's lease. So the polls are counted from the log,
gap by gap, and checked against the feed server's own record of requests.

The workers' scheduler looks for due sources every 30 seconds, far longer
than the few seconds between these sources' polls; here a loop enqueues a
round as soon as the last is done (conftest.rounds), as a busy queue of
rounds would. Rounds and the two workers then race for every due source,
and each source's polls should still follow its interval, poll by poll.
"""

import time

from tests.production.conftest import rounds as rounds_of, wait_until
from tests.production.wire_outlet import Outlet
from tests.wire.conftest import FeedServer

# Seconds between polls, by source.
INTERVALS = {"tide": 6, "ferry": 7, "quay": 8, "island": 9}
FIRST_STORIES, LATER_STORIES = 3, 4
RUN_SECONDS = 30

CREATE_SOURCES = """
from datetime import timedelta
from newsdesk.wire.models import Source
for name, (url, seconds) in {sources!r}.items():
    Source.objects.create(name=name, url=url, poll_interval=timedelta(seconds=seconds))
result = Source.objects.count()
"""

POLLS = """
SELECT s.name, extract(epoch FROM p.started_at)::float, extract(epoch FROM p.finished_at)::float, p.ok
FROM wire_poll p JOIN wire_source s ON s.id = p.source_id ORDER BY p.started_at
"""
ITEMS = "SELECT s.name, i.identity, i.url FROM wire_wireitem i JOIN wire_source s ON s.id = i.source_id"
VERSIONS = "SELECT count(*) FROM wire_wireitemversion"


def test_each_source_polled_as_often_as_its_interval_allows(production_site):
    site = production_site
    # Every feed is on one host (127.0.0.1): let its polls run side by side.
    site.with_settings(NEWSDESK_FETCH_PER_HOST_CONCURRENCY=8)
    feeds = FeedServer().start()
    outlet = Outlet(feeds)
    try:
        guids = {name: outlet.publish(name, FIRST_STORIES) for name in INTERVALS}
        sources = {name: (outlet.feed_url(name), seconds) for name, seconds in INTERVALS.items()}
        assert site.query(CREATE_SOURCES.format(sources=sources)) == len(INTERVALS)
        workers = [site.start("worker"), site.start("worker")]
        rounds = site.start_shell(rounds_of("newsdesk.wire.tasks.poll_due_sources"))
        # The clock starts once every source's first poll, which stores its stories, has ended.
        wait_until(
            lambda: len({name for name, _, finished, _ in site.sql(POLLS) if finished}) == len(INTERVALS),
            90, "not every source polled within 90 s of starting the workers",
        )
        time.sleep(RUN_SECONDS / 2)
        # Halfway, every feed gains a story: a later poll has a new item to store.
        guids = {name: outlet.publish(name, LATER_STORIES) for name in INTERVALS}
        time.sleep(RUN_SECONDS / 2)
        site.stop(rounds)
        for worker in workers:
            assert worker.poll() is None, "a worker stopped by itself"
        for worker in workers:
            site.stop(worker)  # SIGTERM: each finishes the poll at hand
        polls_by_source = {name: [] for name in INTERVALS}
        for name, started, finished, ok in site.sql(POLLS):
            polls_by_source[name].append((started, finished, ok))
        items = site.sql(ITEMS)
        versions = site.sql(VERSIONS)[0][0]
    finally:
        feeds.stop()

    assert versions == 0, "stories stored again as new versions"

    for name, seconds in INTERVALS.items():
        polls = polls_by_source[name]
        assert len(polls) >= RUN_SECONDS // (2 * seconds), f"{name}: only {len(polls)} polls in {RUN_SECONDS} s"
        assert all(finished is not None and ok for _, finished, ok in polls), f"{name}: {polls}"
        # The feed server saw as many fetches of the feed as the log has polls.
        assert len(feeds.requests_to(outlet.feed_path(name))) == len(polls), name
        for (started, finished, _), (next_started, _, _) in zip(polls, polls[1:]):
            # Never two polls within one interval (the next is due an interval after the last ended)…
            assert next_started - started >= seconds, f"{name} polled twice within {seconds} s: {polls}"
            # …and none skipped: the next starts before a second interval has passed.
            assert next_started - finished < 2 * seconds, f"{name} missed a poll: {polls}"
        span = polls[-1][0] - polls[0][0]
        assert len(polls) - 1 <= span // seconds, f"{name}: more polls than its interval allows"

        # Every story of the feed stored once, under its GUID and page address.
        stored = sorted((identity, url) for source, identity, url in items if source == name)
        expected = sorted((guid, outlet.story_url(name, number)) for number, guid in enumerate(guids[name], 1))
        assert stored == expected, f"{name}: stories lost or stored twice"
