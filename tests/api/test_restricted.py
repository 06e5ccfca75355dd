"""The content API shows public stories only: a view restriction on a story or a section above it hides it."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from newsdesk.stories.models import ArticlePage, SectionPage

from .conftest import every_story

pytestmark = pytest.mark.django_db


def restrict(page, kind):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=kind, password="members-only")
    if kind == PageViewRestriction.GROUPS:
        restriction.groups.add(Group.objects.get(name="Editor"))


@pytest.mark.parametrize("kind", [PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN, PageViewRestriction.GROUPS])
def test_stories_of_a_restricted_section_are_hidden_everywhere(client, add_story, kind):
    """Behind a section's password, login or groups, its stories leave the list, the filters and the detail."""
    business = SectionPage.objects.get(slug="business")
    story = add_story("members-briefing", section="business", title="Members briefing")
    hidden = set(ArticlePage.objects.child_of(business).values_list("pk", flat=True))
    restrict(business, kind)

    listed = {entry["id"] for entry in every_story(client)}
    assert listed and not listed & hidden
    assert every_story(client, "&section=business") == []
    assert story.pk not in {entry["id"] for entry in every_story(client, "&author=zoe-alund")}
    response = client.get(f"/api/v1/stories/{story.pk}/")
    assert response.status_code == 404

    sections = client.get("/api/v1/sections/?page_size=100").json()["results"]
    assert "business" not in {section["slug"] for section in sections}
    assert client.get("/api/v1/sections/business/").status_code == 404


def test_logged_in_readers_do_not_unlock_the_api(client, add_story, django_user_model):
    """The API is the same for everyone: a login that opens a story on the site does not add it here."""
    story = add_story("logged-in-only")
    restrict(story, PageViewRestriction.LOGIN)
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    assert story.pk not in {entry["id"] for entry in every_story(client)}
    assert client.get(f"/api/v1/stories/{story.pk}/").status_code == 404
