"""Runs of the scheduled-publishing task at the same moment publish each story once.

With several workers, a queue that fell behind can hand two of them a
publishing run each at once. Wagtail's publish_scheduled command reads the
due revisions and then publishes them, with nothing between to stop a
second run doing the same: without the task's lease every story was
published (and logged, and announced) twice. Real threads on a real
database (tests/racing.py), SQLite and PostgreSQL.
"""

import pytest

from tests.racing import BACKENDS, prepared_database

STORIES = 3


def in_child_publishing_runs_race(threads, round_number):
    """Run in a race process: schedule stories, then `threads` publishing runs start at once."""
    from datetime import timedelta

    from django.utils import timezone
    from wagtail.models import PageLogEntry

    from newsdesk.newsroom.tasks import publish_scheduled
    from newsdesk.stories.homepage import ensure_home_page
    from newsdesk.stories.models import ArticlePage, HomePage, SectionPage
    from tests.racing import race

    ensure_home_page()
    home = HomePage.objects.first()
    section = home.add_child(instance=SectionPage(title=f"Race {round_number}", slug=f"race-{round_number}"))
    stories = []
    for number in range(STORIES):
        story = section.add_child(instance=ArticlePage(title=f"Story {number}", slug=f"story-{number}", live=False))
        story.go_live_at = timezone.now() + timedelta(minutes=5)
        revision = story.save_revision()
        revision.publish()  # scheduled, not live
        # The five minutes pass: the schedule moves into the past instead.
        past = timezone.now() - timedelta(seconds=1)
        revision.content["go_live_at"] = past.isoformat()
        revision.approved_go_live_at = past
        revision.save(update_fields=["content", "approved_go_live_at"])
        stories.append(story.pk)
    race(threads, lambda number: publish_scheduled.call())
    return {
        "live": ArticlePage.objects.filter(pk__in=stories, live=True).count(),
        "publications": [
            PageLogEntry.objects.filter(page_id=pk, action="wagtail.publish.scheduled").count() for pk in stories
        ],
    }


@pytest.fixture(params=BACKENDS)
def race_database(request, tmp_path_factory):
    return prepared_database(request.param, request, tmp_path_factory)


def test_publishing_runs_at_once_publish_each_story_once(race_database, request):
    round_number = request.node.callspec.id
    result = race_database.run(
        "tests.production.test_publish_race:in_child_publishing_runs_race", threads=4, round_number=round_number
    )
    assert result["live"] == STORIES
    assert result["publications"] == [1] * STORIES


def test_threads_publishing_at_once_each_move_the_content_version(settings, tmp_path):
    """Without Redis the content version is a file replaced whole; every thread's bump lands, none fails.

    Polling threads publishing wire stories, or two editors, bump it at
    once; each bump used to write a temporary file named by the process
    alone, so a second thread's file was gone from under it.
    """
    from newsdesk.pagecache.versions import VERSION_FILE, bump_content_version
    from tests.racing import race

    settings.NEWSDESK_REDIS_URL = ""
    settings.DATA_DIR = tmp_path
    for _ in range(20):
        race(8, lambda number: bump_content_version())
    assert len((tmp_path / VERSION_FILE).read_text()) == 16
    assert [path.name for path in tmp_path.iterdir()] == [VERSION_FILE]
