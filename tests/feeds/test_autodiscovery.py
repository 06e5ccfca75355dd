"""Reader pages announce their feeds in <head>; unknown feeds are 404."""

from urllib.parse import urlsplit

import lxml.html
import pytest

from newsdesk.stories.models import ArticlePage
from tests.feeds.scopes import FORMATS

pytestmark = pytest.mark.django_db

SITE_FEEDS = ["/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json"]


def feed_links(client, url):
    """(type, title, path) of each feed link in the page's head, in order."""
    response = client.get(url)
    assert response.status_code == 200
    head = lxml.html.fromstring(response.content).find("head")
    links = []
    for link in head.iterfind("link[@rel='alternate']"):
        href = urlsplit(link.get("href"))
        assert (href.scheme, href.netloc) == ("http", "testserver")
        links.append((link.get("type"), link.get("title"), href.path))
    return links


def scope_feeds(prefix):
    return [prefix + filename for filename in FORMATS]


def newest_story():
    return ArticlePage.objects.live().order_by("-first_published_at").first()


@pytest.mark.parametrize(
    "page, feeds",
    [
        ("/", SITE_FEEDS),
        ("/world/", SITE_FEEDS + scope_feeds("/feeds/sections/world/")),
        ("/authors/zoe-alund/", SITE_FEEDS + scope_feeds("/feeds/authors/zoe-alund/")),
        ("/tags/port-alder/", SITE_FEEDS + scope_feeds("/feeds/tags/port-alder/")),
    ],
)
def test_page_links_the_site_feeds_then_its_own(client, page, feeds):
    assert [path for _, _, path in feed_links(client, page)] == feeds


def test_article_links_its_section_feeds(client):
    story = newest_story()
    paths = [path for _, _, path in feed_links(client, story.url)]
    assert paths == SITE_FEEDS + scope_feeds(f"/feeds/sections/{story.section.slug}/")


@pytest.mark.parametrize("page", ["/", "/world/", "/authors/zoe-alund/", "/tags/port-alder/", "article"])
def test_every_announced_feed_answers_with_its_type(client, page):
    """Each link's type is the Content-Type its feed is served with, and its title names the format."""
    url = newest_story().url if page == "article" else page
    for media_type, title, path in feed_links(client, url):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"] == f"{media_type}; charset=utf-8"
        assert title.endswith({"application/rss+xml": "(RSS)", "application/atom+xml": "(Atom)",
                               "application/feed+json": "(JSON Feed)"}[media_type])


def test_link_titles_name_the_site_and_the_subject(client):
    titles = [title for _, title, _ in feed_links(client, "/world/")]
    assert titles[0] == "The Meridian Courier (RSS)"
    assert titles[3] == "World — The Meridian Courier (RSS)"


@pytest.mark.parametrize("filename", FORMATS)
@pytest.mark.parametrize("kind", ["sections", "authors", "tags"])
def test_unknown_subject_has_no_feed(client, kind, filename):
    assert client.get(f"/feeds/{kind}/no-such-thing/{filename}").status_code == 404


@pytest.mark.parametrize("url", ["/feeds/feed.xml", "/feeds/index.rdf", "/feeds/sections/world/rss.json"])
def test_unknown_format_has_no_feed(client, url):
    assert client.get(url).status_code == 404


def test_a_draft_section_has_no_feed(client):
    from newsdesk.stories.models import SectionPage

    SectionPage.objects.get(slug="world").unpublish()
    assert client.get("/feeds/sections/world/rss.xml").status_code == 404
