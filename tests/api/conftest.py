"""Fixtures for the content API tests: the demo newsroom as written, and stories to add."""

import pytest
from django.utils.text import slugify

from newsdesk.demo.loader import read_newsroom
from newsdesk.stories.models import ArticleAuthor, ArticlePage, Author, SectionPage


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
        article = ArticlePage(title=fields.pop("title", slug.replace("-", " ").capitalize()), slug=slug, live=False, **fields)
        article.article_authors = [ArticleAuthor(author=Author.objects.get(slug="zoe-alund"))]
        SectionPage.objects.get(slug=section).add_child(instance=article)
        if live:
            article.save_revision().publish()
        return article

    return add
