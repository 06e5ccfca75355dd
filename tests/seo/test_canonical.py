import pytest

from newsdesk.stories.models import ArticlePage, Author, SectionPage
from tests.seo.pages import canonical, meta_value

pytestmark = pytest.mark.django_db


def wire_story():
    return ArticlePage.objects.live().exclude(source_name="").first()


def section_with_stories(at_least):
    return next(
        s for s in SectionPage.objects.live() if ArticlePage.objects.live().child_of(s).count() >= at_least
    )


def test_every_reader_page_kind_declares_its_absolute_canonical(client):
    article = ArticlePage.objects.live().filter(source_name="").first()
    author = Author.objects.first()
    tag = article.tags.first()
    expected = {
        "/": "http://testserver/",
        article.section.url: f"http://testserver{article.section.url}",
        article.url: f"http://testserver{article.url}",
        f"/authors/{author.slug}/": f"http://testserver/authors/{author.slug}/",
        f"/tags/{tag.slug}/": f"http://testserver/tags/{tag.slug}/",
    }
    for url, canonical_url in expected.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert canonical(response.content.decode()) == canonical_url, url


def test_query_strings_are_dropped_from_the_canonical(client):
    article = ArticlePage.objects.live().first()
    html = client.get(article.url + "?utm_source=newsletter&page=3").content.decode()
    assert canonical(html) == f"http://testserver{article.url}"
    assert canonical(client.get("/?ref=x").content.decode()) == "http://testserver/"


def test_listing_pages_keep_their_page_number_beyond_the_first(client, settings):
    settings.NEWSDESK_LIST_PAGE_SIZE = 2
    section = section_with_stories(at_least=3)
    base = f"http://testserver{section.url}"
    html = client.get(section.url + "?page=2&utm_medium=social").content.decode()
    assert canonical(html) == base + "?page=2"
    assert canonical(client.get(section.url + "?page=1").content.decode()) == base
    # Out of range or nonsense: the page actually shown.
    assert canonical(client.get(section.url + "?page=abc").content.decode()) == base
    last = -(-ArticlePage.objects.live().child_of(section).count() // 2)
    assert canonical(client.get(section.url + "?page=999").content.decode()) == f"{base}?page={last}"
    author = Author.objects.first()
    html = client.get(f"/authors/{author.slug}/?page=2").content.decode()
    assert canonical(html) == f"http://testserver/authors/{author.slug}/?page=2"
    assert meta_value(html, "og:url") == canonical(html)


def test_wire_story_canonical_is_this_site_by_default(client, settings):
    settings.NEWSDESK_WIRE_CANONICAL = "own"
    article = wire_story()
    assert canonical(client.get(article.url).content.decode()) == f"http://testserver{article.url}"


def test_wire_story_canonical_can_credit_the_source(client, settings):
    """With NEWSDESK_WIRE_CANONICAL = 'source' search engines are sent to the original."""
    settings.NEWSDESK_WIRE_CANONICAL = "source"
    article = wire_story()
    html = client.get(article.url).content.decode()
    assert canonical(html) == article.source_url
    # The share card still describes the page the reader shares.
    assert meta_value(html, "og:url") == f"http://testserver{article.url}"
    own = ArticlePage.objects.live().filter(source_name="").first()
    assert canonical(client.get(own.url).content.decode()) == f"http://testserver{own.url}"


def test_not_found_page_declares_no_canonical(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert canonical(response.content.decode()) is None
