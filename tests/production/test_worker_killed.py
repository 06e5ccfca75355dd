"""A worker killed (SIGKILL) in the middle of ingesting and publishing loses nothing and repeats nothing.

On PostgreSQL with the RQ queue: a worker starts polling three slow feeds
while four stories are scheduled to go live over the next half minute. The
worker and every process it forked (RQ's work horse, its scheduler) are
killed without warning while the polls hold their sources' leases; a new
worker is started. When it is done, every feed item is stored once, every
scheduled story was published once (the publish log, not only the `live`
flag), and the killed polls' sources were polled again by the new worker
once their leases ran out (NEWSDESK_POLL_LOCK_SECONDS, short here).
"""

import os
import signal
import time

from tests.production.conftest import children, rounds, wait_until
from tests.production.wire_outlet import Outlet
from tests.wire.conftest import FeedServer

SOURCES = ["harbour", "ferries", "council"]
STORIES_PER_SOURCE = 8
# Seconds from scheduling to each story's go-live time: before the kill, around it and after it.
GO_LIVE_AFTER = [8, 14, 20, 26]

SETUP = """
from datetime import timedelta
from django.utils import timezone
from newsdesk.stories.models import ArticlePage
from newsdesk.wire.models import Source
for name, url in {sources!r}.items():
    Source.objects.create(name=name, url=url)
now = timezone.now()
stories = list(ArticlePage.objects.live().order_by("first_published_at")[:{count}])
for story, seconds in zip(stories, {go_live_after!r}):
    story.unpublish()
    story.go_live_at = now + timedelta(seconds=seconds)
    story.save_revision().publish()
result = {{"since": now.isoformat(), "stories": [story.pk for story in stories]}}
"""

ITEMS_STORED = "SELECT count(*) FROM wire_wireitem"
LEASES_HELD = "SELECT count(*) FROM wire_source WHERE locked_until > now()"
# The polls the kill cut short: they never wrote their end.
CUT_SHORT = """
SELECT DISTINCT s.name FROM wire_poll p JOIN wire_source s ON s.id = p.source_id WHERE p.finished_at IS NULL
"""
LIVE = "SELECT count(*) FROM wagtailcore_page WHERE id = ANY(%s) AND live"
# Each publication of a page writes one of these to its log: by hand, or on schedule.
PUBLICATIONS = """
SELECT page_id, count(*) FROM wagtailcore_pagelogentry
WHERE page_id = ANY(%s) AND action IN ('wagtail.publish', 'wagtail.publish.scheduled') AND timestamp >= %s
GROUP BY page_id
"""
ITEMS = "SELECT s.name, i.identity, i.url FROM wire_wireitem i JOIN wire_source s ON s.id = i.source_id"
VERSIONS = "SELECT count(*) FROM wire_wireitemversion"
POLLS = """
SELECT s.name, p.finished_at IS NOT NULL, p.ok
FROM wire_poll p JOIN wire_source s ON s.id = p.source_id ORDER BY p.started_at
"""


def test_worker_killed_mid_ingest_and_publishing_loses_and_repeats_nothing(production_site):
    site = production_site
    site.with_settings(
        # A dead poll's lease runs out after 6 s; the new worker's rounds then take the source.
        NEWSDESK_POLL_LOCK_SECONDS=6,
        # A dead request's slot of the host's limit (Redis) frees itself after the timeout and 10 s.
        NEWSDESK_FETCH_TIMEOUT=2,
        NEWSDESK_FETCH_PER_HOST_CONCURRENCY=4,
    )
    feeds = FeedServer().start()
    outlet = Outlet(feeds, page_delay=0.6)  # slow pages: the polls are still going when the kill comes
    try:
        guids = {name: outlet.publish(name, STORIES_PER_SOURCE) for name in SOURCES}
        total = len(SOURCES) * STORIES_PER_SOURCE
        scheduled = site.query(SETUP.format(
            sources={name: outlet.feed_url(name) for name in SOURCES},
            count=len(GO_LIVE_AFTER), go_live_after=GO_LIVE_AFTER,
        ))
        stories = scheduled["stories"]
        assert len(stories) == len(GO_LIVE_AFTER)
        site.start_shell(rounds("newsdesk.wire.tasks.poll_due_sources", "newsdesk.newsroom.tasks.publish_scheduled"))
        first = site.start("worker")

        def mid_ingest():
            stored = site.sql(ITEMS_STORED)[0][0]
            return 3 <= stored < total - 3 and site.sql(LEASES_HELD)[0][0]

        wait_until(mid_ingest, 120, "the first worker never got into the middle of ingesting", every=0.1)
        forked = children(first.pid)
        for pid in [first.pid, *forked]:
            os.kill(pid, signal.SIGKILL)
        assert first.wait(timeout=10) == -signal.SIGKILL
        assert forked, "the RQ worker had no work horse to kill"
        assert site.sql(ITEMS_STORED)[0][0] < total
        cut_short = [name for (name,) in site.sql(CUT_SHORT)]
        assert cut_short, "no poll was running when the worker was killed"

        second = site.start("worker")
        wait_until(
            lambda: site.sql(ITEMS_STORED)[0][0] == total and site.sql(LIVE, stories)[0][0] == len(stories),
            60, "the new worker did not finish the ingest and the publishing within 60 s", every=0.5,
        )
        time.sleep(2)  # a few more rounds: nothing may be polled or published again
        assert second.poll() is None, "the new worker stopped"
        site.stop_all()

        publications = dict(site.sql(PUBLICATIONS, stories, scheduled["since"]))
        items = site.sql(ITEMS)
        versions = site.sql(VERSIONS)[0][0]
        polls = site.sql(POLLS)
    finally:
        feeds.stop()

    assert publications == {story: 1 for story in stories}, "a scheduled story published other than once"
    assert versions == 0
    for name in SOURCES:
        stored = sorted((identity, url) for source, identity, url in items if source == name)
        assert stored == sorted(
            (guid, outlet.story_url(name, number)) for number, guid in enumerate(guids[name], 1)
        ), f"{name}: items lost or stored twice"
    for name in cut_short:
        log = [(finished, ok) for source, finished, ok in polls if source == name]
        # The killed poll never finished; the new worker's poll, after the lease ran out, did.
        assert log[0] == (False, False) and log[-1] == (True, True), f"{name}: {log}"
        assert sum(not finished for finished, _ in log) == 1, f"{name}: {log}"
