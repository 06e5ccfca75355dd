"""The page cache, exercised in-process through the WSGI application readers' requests reach."""

import pytest

from newsdesk.stories.models import ArticleAuthor, ArticlePage, Author, SectionPage
from tests.support import wsgi_client


@pytest.fixture
def cached_site(db, settings, tmp_path):
    """An HTTP client for the whole WSGI application (hits included), the disk page cache on."""
    from newsdesk.wsgi import application

    settings.NEWSDESK_PAGE_CACHE = "disk"
    settings.NEWSDESK_PAGE_CACHE_DIR = str(tmp_path / "pages")
    with wsgi_client(application) as client:
        yield client


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
