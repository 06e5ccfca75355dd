"""What each newsroom role can and cannot do, through the Wagtail admin."""

import pytest
from django.contrib.auth.models import Group, User
from wagtail.models import Page, WorkflowState

from newsdesk.newsroom.roles import ADMINISTRATOR, CONTRIBUTOR, EDITOR, REPORTER
from newsdesk.stories.models import ArticlePage, Author, SectionPage

from tests.newsroom.admin_forms import article_form

pytestmark = pytest.mark.django_db


def member(role, username=None):
    user = User.objects.create_user(username or role.lower(), password="x")
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def world():
    return SectionPage.objects.get(slug="world")


@pytest.fixture
def author():
    return Author.objects.first()


def create_article(client, section, author, slug, action=None):
    url = f"/admin/pages/add/stories/articlepage/{section.pk}/"
    response = client.post(url, article_form(f"Story {slug}", slug, author, action=action))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return ArticlePage.objects.get(slug=slug)


def test_roles_exist_as_groups():
    assert {CONTRIBUTOR, REPORTER, EDITOR, ADMINISTRATOR} <= set(Group.objects.values_list("name", flat=True))


def test_contributor_writes_drafts_and_submits_but_cannot_publish(client, world, author):
    client.force_login(member(CONTRIBUTOR))
    draft = create_article(client, world, author, "contributor-draft")
    assert not draft.live
    published_attempt = create_article(client, world, author, "contributor-publish", action="action-publish")
    assert not published_attempt.live
    submitted = create_article(client, world, author, "contributor-submit", action="action-submit")
    assert not submitted.live
    state = WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(submitted.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS


def test_reporter_publishes_own_story_but_cannot_edit_others(client, world, author):
    client.force_login(member(REPORTER))
    story = create_article(client, world, author, "reporter-story", action="action-publish")
    assert story.live
    someone_elses = ArticlePage.objects.live().exclude(owner__username="reporter").first()
    response = client.get(f"/admin/pages/{someone_elses.pk}/edit/")
    assert response.status_code in (302, 403)
    response = client.post(
        f"/admin/pages/{someone_elses.pk}/edit/",
        article_form("Hijacked headline", someone_elses.slug, author, action="action-publish"),
    )
    someone_elses.refresh_from_db()
    assert someone_elses.title != "Hijacked headline"


def test_editor_edits_and_publishes_any_story(client, author):
    client.force_login(member(EDITOR))
    story = ArticlePage.objects.live().first()
    response = client.post(
        f"/admin/pages/{story.pk}/edit/",
        article_form("An editor's new headline", story.slug, author, action="action-publish"),
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.title == "An editor's new headline" and story.live


def test_editor_approves_or_rejects_a_submission(client, world, author):
    client.force_login(member(CONTRIBUTOR))
    approved = create_article(client, world, author, "to-approve", action="action-submit")
    rejected = create_article(client, world, author, "to-reject", action="action-submit")
    client.force_login(member(EDITOR))
    for story, action, comment in [(approved, "approve", "Good to go"), (rejected, "reject", "Needs a second source")]:
        task_state = WorkflowState.objects.get(object_id=str(story.pk)).current_task_state
        response = client.post(
            f"/admin/pages/workflow/action/{story.pk}/{action}/{task_state.pk}/",
            {"comment": comment},
        )
        assert response.status_code in (200, 302), response.content[:500]
    approved.refresh_from_db()
    rejected.refresh_from_db()
    assert approved.live
    assert not rejected.live
    assert WorkflowState.objects.get(object_id=str(rejected.pk)).status == WorkflowState.STATUS_NEEDS_CHANGES


def test_only_administrators_manage_users(client):
    client.force_login(member(EDITOR))
    assert client.get("/admin/users/").status_code in (302, 403)
    client.force_login(member(ADMINISTRATOR))
    assert client.get("/admin/users/").status_code == 200


def test_contributor_cannot_change_site_settings(client):
    client.force_login(member(CONTRIBUTOR))
    response = client.get("/admin/settings/branding/newsroomsettings/")
    assert response.status_code in (302, 403)
    assert Page.objects.count() > 0
