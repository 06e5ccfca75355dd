"""The page cache, exercised in-process through the WSGI application readers' requests reach."""

import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from newsdesk.stories.models import ArticleAuthor, ArticlePage, Author, SectionPage


@pytest.fixture
def cached_site(db, settings, tmp_path):
    """An HTTP client for the whole WSGI application (hits included), the disk page cache on."""
    from newsdesk.wsgi import application

    settings.NEWSDESK_PAGE_CACHE = "disk"
    settings.NEWSDESK_PAGE_CACHE_DIR = str(tmp_path / "pages")
    # As Django's test client does: the handler must not close the test's
    # connection, whose transaction holds the demo newsroom.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with httpx.Client(transport=httpx.WSGITransport(app=application), base_url="http://testserver") as client:
            yield client
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks (the purges) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def publish_story(committed):
    def publish(slug, section="world", tags=(), title=None, **fields):
        story = ArticlePage(title=title or slug.replace("-", " ").capitalize(), slug=slug, live=False, **fields)
        story.article_authors = [ArticleAuthor(author=Author.objects.order_by("pk").first())]
        with committed():
            SectionPage.objects.get(slug=section).add_child(instance=story)
            story.tags.add(*tags)
            story.save_revision().publish()
        return ArticlePage.objects.get(pk=story.pk)

    return publish


def fetch(client, url, **headers):
    response = client.get(url, headers=headers)
    return response


def cache_state(response):
    return response.headers.get("X-Page-Cache", "nginx")
