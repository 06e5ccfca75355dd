"""Scheduling, withdrawal and moves, seen from the reader's side."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.newsroom import periodic
from newsdesk.newsroom.models import PeriodicLease
from newsdesk.stories.models import ArticlePage, SectionPage
from tests.racing import BACKENDS, prepared_database

pytestmark = pytest.mark.django_db


def newest():
    return ArticlePage.objects.live().order_by("-first_published_at").first()


def test_unpublished_story_answers_410_gone(client):
    story = newest()
    url = story.url
    story.unpublish()
    response = client.get(url)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert story.title not in [s.title for s in ArticlePage.objects.live()]


def test_never_published_draft_is_404_not_410(client):
    section = SectionPage.objects.get(slug="world")
    draft = section.add_child(instance=ArticlePage(title="Draft only", slug="draft-only", live=False))
    assert draft.first_published_at is None
    assert client.get("/world/draft-only/").status_code == 404


def test_slug_change_leaves_a_permanent_redirect(client, django_capture_on_commit_callbacks):
    story = newest()
    old_url = story.url
    story.slug = story.slug + "-renamed"
    with django_capture_on_commit_callbacks(execute=True):
        story.save_revision().publish()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"].endswith(story.slug + "/")


def test_moving_a_story_to_another_section_leaves_a_permanent_redirect(client, django_capture_on_commit_callbacks):
    story = newest()
    old_url = story.url
    target = SectionPage.objects.exclude(pk=story.get_parent().pk).first()
    with django_capture_on_commit_callbacks(execute=True):
        story.move(target, pos="last-child")
    story.refresh_from_db()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"].rstrip("/").endswith(f"/{target.slug}/{story.slug}")


def test_scheduled_story_goes_live_when_the_periodic_job_runs(client, django_capture_on_commit_callbacks):
    """With the test settings' immediate task backend, claiming the job runs it."""
    story = newest()
    story.unpublish()
    story.go_live_at = timezone.now() + timedelta(minutes=5)
    revision = story.save_revision()
    revision.publish()  # with go_live_at in the future this schedules, not publishes
    story.refresh_from_db()
    assert not story.live
    # Five minutes pass: move the schedule into the past instead.
    past = timezone.now() - timedelta(seconds=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    with django_capture_on_commit_callbacks(execute=True):
        started = periodic.run_due_jobs(now=timezone.now() + timedelta(minutes=5), holder="test")
    assert "publish-scheduled" in started
    story.refresh_from_db()
    assert story.live


def in_child_workers_claim_a_job(threads):
    """Run in a race process (tests/racing.py): `threads` workers claim one job at the same moments."""
    from tests.racing import race

    job = periodic.PeriodicJob("race-job", timedelta(seconds=30), "newsdesk.newsroom.tasks.publish_scheduled")
    PeriodicLease.objects.filter(name=job.name).delete()
    now = timezone.now()
    first = race(threads, lambda number: periodic.claim(job, now, f"worker-{number}"))
    too_soon = race(threads, lambda number: periodic.claim(job, now + timedelta(seconds=29), f"worker-{number}"))
    next_round = race(threads, lambda number: periodic.claim(job, now + timedelta(seconds=31), f"worker-{number}"))
    holder = PeriodicLease.objects.get(name=job.name).holder
    ticks = race(threads, lambda number: periodic.run_due_jobs(now=now, holder=f"worker-{number}"))
    return {"first": first, "too_soon": too_soon, "next_round": next_round, "holder": holder,
            "started": [name for names in ticks for name in names]}


@pytest.fixture(params=BACKENDS)
def race_database(request, tmp_path_factory):
    return prepared_database(request.param, request, tmp_path_factory)


def test_a_periodic_job_is_claimed_once_per_interval(race_database):
    """Eight workers ticking at the same moment: exactly one claims the job, once per interval."""
    result = race_database.run(
        "tests.newsroom.test_publishing_lifecycle:in_child_workers_claim_a_job", threads=8
    )
    assert sum(result["first"]) == 1
    assert sum(result["too_soon"]) == 0
    assert sum(result["next_round"]) == 1
    assert result["holder"] == f"worker-{result['next_round'].index(True)}"
    started = result["started"]
    assert started and sorted(started) == sorted(set(started))  # every registered job started once


def test_revisions_compare_and_roll_back(admin_client):
    """An editor compares two revisions and brings the earlier headline back."""
    story = newest()
    first = story.latest_revision
    original = story.title
    story.title = "A rewritten headline"
    second = story.save_revision()
    second.publish()
    compare = admin_client.get(f"/admin/pages/{story.pk}/revisions/compare/{first.pk}...{second.pk}/")
    assert compare.status_code == 200
    assert "A rewritten headline" in compare.content.decode()
    revert = admin_client.get(f"/admin/pages/{story.pk}/revisions/{first.pk}/revert/")
    assert revert.status_code == 200
    assert original.replace("'", "&#x27;") in revert.content.decode() or original in revert.content.decode()


def test_lead_images_come_as_webp_with_a_jpeg_fallback(client):
    html = client.get(newest().url).content.decode()
    picture = html[html.index("<picture") : html.index("</picture>")]
    assert 'type="image/webp"' in picture
    assert ".jpg" in picture and 'width="' in picture and 'height="' in picture


def test_an_expired_story_is_taken_down_by_the_periodic_job(client, django_capture_on_commit_callbacks):
    """Expiry runs in the same job: the story is unpublished and answers 410."""
    story = newest()
    url = story.url
    ArticlePage.objects.filter(pk=story.pk).update(expire_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        periodic.run_due_jobs(now=timezone.now() + timedelta(hours=1), holder="test")
    story.refresh_from_db()
    assert not story.live and story.expired
    assert client.get(url).status_code == 410
