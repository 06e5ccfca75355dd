"""Fixtures for the content API tests: the demo newsroom as written, and stories to add."""

import pytest
from django.utils.text import slugify

from newsdesk.api.serializers import AUTHOR_PHOTO_FILTER, LEAD_IMAGE_FILTER
from newsdesk.demo.loader import read_newsroom
from newsdesk.stories.models import ArticleAuthor, ArticlePage, Author, SectionPage


@pytest.fixture(scope="session", autouse=True)
def demo_renditions(request, django_db_blocker):
    """Make the renditions the API hands out once, committed, before any test's transaction.

    Made inside a test they would be rolled back with it (each test would
    resize the 44 pictures again), while Wagtail's rendition cache kept
    pointing at the vanished rows for every later test.
    """
    if not any(item.get_closest_marker("django_db") for item in request.session.items):
        return  # no test database in this run
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        for story in ArticlePage.objects.exclude(lead_image=None).select_related("lead_image"):
            story.lead_image.get_rendition(LEAD_IMAGE_FILTER)
        for author in Author.objects.exclude(photo=None).select_related("photo"):
            author.photo.get_rendition(AUTHOR_PHOTO_FILTER)


@pytest.fixture(scope="session")
def demo_stories():
    """The demo's stories as newsroom.json gives them, with their tags as slugs."""
    stories = read_newsroom()["stories"]
    for story in stories:
        story["tag_slugs"] = {slugify(tag) for tag in story.get("tags", [])}
    return stories


def slug_of(story):
    """A story's slug, read from the `url` the API gives."""
    return story["url"].rstrip("/").rsplit("/", 1)[-1]


def every_story(client, query=""):
    response = client.get(f"/api/v1/stories/?page_size=100{query}")
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def add_story(db):
    """Add a story under a demo section; published unless `live=False`."""

    def add(slug, section="world", live=True, **fields):
        title = fields.pop("title", slug.replace("-", " ").capitalize())
        article = ArticlePage(title=title, slug=slug, live=False, **fields)
        article.article_authors = [ArticleAuthor(author=Author.objects.get(slug="zoe-alund"))]
        SectionPage.objects.get(slug=section).add_child(instance=article)
        if live:
            article.save_revision().publish()
        return article

    return add
