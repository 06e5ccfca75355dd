from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
import pytest
from django.utils import timezone
from lxml import etree
from wagtail.models import Site

from newsdesk.seo.sitemaps import ArticlesSitemap, news_articles
from newsdesk.stories.models import ArticlePage, Author, Correction, SectionPage

pytestmark = pytest.mark.django_db

NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "image": "http://www.google.com/schemas/sitemap-image/1.1",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def fetch_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return etree.fromstring(body_of(response))


def assert_valid(schema, document):
    assert schema.validate(document), "\n".join(str(error) for error in schema.error_log)


def path_of(url):
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "testserver", url
    return parts.path


def child_urls(client):
    index = fetch_xml(client, "/sitemap.xml")
    return index, [loc.text for loc in index.findall("s:sitemap/s:loc", NS)]


def locations(document):
    return [loc.text for loc in document.findall("s:url/s:loc", NS)]


def recent_articles():
    return ArticlePage.objects.live().filter(first_published_at__gte=timezone.now() - timedelta(hours=48))


def test_index_is_valid_and_names_every_child_sitemap(client, index_schema):
    """One file per kind for the demo (it is far under 50,000), the news sitemap last."""
    index, children = child_urls(client)
    assert_valid(index_schema, index)
    assert [path_of(url) for url in children] == [
        "/sitemap-pages-1.xml",
        "/sitemap-articles-1.xml",
        "/sitemap-authors-1.xml",
        "/sitemap-tags-1.xml",
        "/sitemap-news.xml",
    ]


def test_every_child_sitemap_is_valid_and_streamed(client, sitemap_schema):
    """Each child validates against sitemap.xsd with the image and news extensions."""
    _, children = child_urls(client)
    for url in children:
        response = client.get(path_of(url))
        assert response.streaming, url
        document = etree.fromstring(body_of(response))
        assert_valid(sitemap_schema, document)
        assert all(urlsplit(loc).netloc == "testserver" for loc in locations(document)), url


def test_pages_sitemap_lists_the_home_page_and_every_section(client):
    document = fetch_xml(client, "/sitemap-pages-1.xml")
    expected = ["http://testserver/"] + [
        f"http://testserver{section.url}" for section in SectionPage.objects.live().order_by("path")
    ]
    assert locations(document) == expected
    assert len(document.findall("s:url/s:lastmod", NS)) == len(expected)


def test_articles_sitemap_lists_each_story_with_lastmod_and_lead_image(client):
    document = fetch_xml(client, "/sitemap-articles-1.xml")
    articles = {f"http://testserver{a.url}": a for a in ArticlePage.objects.live()}
    entries = document.findall("s:url", NS)
    assert sorted(locations(document)) == sorted(articles)
    for entry in entries:
        article = articles[entry.findtext("s:loc", namespaces=NS)]
        lastmod = datetime.fromisoformat(entry.findtext("s:lastmod", namespaces=NS))
        assert lastmod.tzinfo is not None
        assert lastmod == article.last_published_at.replace(microsecond=0)
        assert [image.text for image in entry.findall("image:image/image:loc", NS)] == [
            f"http://testserver{article.lead_image.file.url}"
        ]


def test_a_correction_moves_the_articles_lastmod(client):
    """A correction after the last publication is the story's last modification."""
    article = ArticlePage.objects.live().order_by("first_published_at").first()
    corrected_at = timezone.now().replace(microsecond=0)
    Correction.objects.create(article=article, corrected_at=corrected_at, note="A name was misspelt.")
    document = fetch_xml(client, "/sitemap-articles-1.xml")
    url = f"http://testserver{article.url}"
    entry = next(e for e in document.findall("s:url", NS) if e.findtext("s:loc", namespaces=NS) == url)
    assert datetime.fromisoformat(entry.findtext("s:lastmod", namespaces=NS)) == corrected_at


def test_author_and_tag_sitemaps_list_pages_that_have_stories(client):
    authors = locations(fetch_xml(client, "/sitemap-authors-1.xml"))
    assert sorted(authors) == sorted(f"http://testserver/authors/{a.slug}/" for a in Author.objects.all())
    tags = locations(fetch_xml(client, "/sitemap-tags-1.xml"))
    article_tags = {tag.slug for article in ArticlePage.objects.live() for tag in article.tags.all()}
    assert sorted(tags) == sorted(f"http://testserver/tags/{slug}/" for slug in article_tags)
    for url in authors[:2] + tags[:2]:
        assert client.get(path_of(url)).status_code == 200


def test_unpublished_stories_leave_the_sitemaps(client):
    article = ArticlePage.objects.live().first()
    article.unpublish()
    assert f"http://testserver{article.url}" not in locations(fetch_xml(client, "/sitemap-articles-1.xml"))
    assert f"http://testserver{article.url}" not in locations(fetch_xml(client, "/sitemap-news.xml"))


def test_large_kinds_are_split_into_files_that_together_list_everything(rf):
    """Files of at most `per_file` URLs, in a stable order, none left out or repeated."""
    request = rf.get("/sitemap.xml")
    site = Site.find_for_request(request)
    sitemap = ArticlesSitemap(site, request, per_file=10)
    total = ArticlePage.objects.live().count()
    assert sitemap.file_count() == -(-total // 10)
    files = [[entry.location for entry in sitemap.entries(n)] for n in range(1, sitemap.file_count() + 1)]
    assert all(len(listing) <= 10 for listing in files)
    everything = [url for listing in files for url in listing]
    assert len(everything) == len(set(everything)) == total


def test_sitemap_files_beyond_the_last_and_unknown_kinds_are_not_found(client):
    assert client.get("/sitemap-articles-2.xml").status_code == 404
    assert client.get("/sitemap-articles-0.xml").status_code == 404
    assert client.get("/sitemap-nothing-1.xml").status_code == 404


def test_news_sitemap_lists_the_last_48_hours_newest_first(client):
    document = fetch_xml(client, "/sitemap-news.xml")
    expected = [f"http://testserver{a.url}" for a in recent_articles().order_by("-first_published_at")]
    assert expected and locations(document) == expected
    entry = document.find("s:url", NS)
    assert entry.findtext("news:news/news:publication/news:name", namespaces=NS) == "The Meridian Courier"
    assert entry.findtext("news:news/news:publication/news:language", namespaces=NS) == "en"
    newest = recent_articles().order_by("-first_published_at").first()
    assert entry.findtext("news:news/news:title", namespaces=NS) == newest.title
    published = datetime.fromisoformat(entry.findtext("news:news/news:publication_date", namespaces=NS))
    assert published.tzinfo is not None
    assert published == newest.first_published_at.replace(microsecond=0)


def test_a_story_first_published_three_days_ago_leaves_the_news_sitemap(client, sitemap_schema):
    story = recent_articles().order_by("-first_published_at").first()
    url = f"http://testserver{story.url}"
    assert url in locations(fetch_xml(client, "/sitemap-news.xml"))
    ArticlePage.objects.filter(pk=story.pk).update(first_published_at=timezone.now() - timedelta(days=3))
    document = fetch_xml(client, "/sitemap-news.xml")
    assert url not in locations(document)
    assert_valid(sitemap_schema, document)
    # It stays in the ordinary sitemap: only the news window has passed.
    assert url in locations(fetch_xml(client, "/sitemap-articles-1.xml"))


def test_news_sitemap_is_capped_at_its_limit_keeping_the_newest(rf):
    site = Site.find_for_request(rf.get("/"))
    newest = list(recent_articles().order_by("-first_published_at").values_list("pk", flat=True))
    assert len(newest) > 3
    assert [a.pk for a in news_articles(site, limit=3)] == newest[:3]
    assert len(news_articles(site)) == len(newest)  # under the 1,000 cap


def test_news_titles_are_escaped_and_stripped_of_characters_xml_forbids(client, sitemap_schema):
    """A wire headline with markup, an ampersand or a control character keeps the file valid."""
    story = recent_articles().order_by("-first_published_at").first()
    story.title = "Ports & harbours <b>reopen</b>\x0b after strike"
    story.save_revision().publish()
    document = fetch_xml(client, "/sitemap-news.xml")
    assert_valid(sitemap_schema, document)
    titles = [t.text for t in document.findall("s:url/news:news/news:title", NS)]
    assert "Ports & harbours <b>reopen</b> after strike" in titles


def test_sitemaps_over_http_on_the_running_site(running_site, sitemap_schema, index_schema):
    """Served by `newsdesk serve` as in production: the index and every child validate."""
    index = etree.fromstring(httpx.get(running_site + "/sitemap.xml").content)
    assert_valid(index_schema, index)
    children = [loc.text for loc in index.findall("s:sitemap/s:loc", NS)]
    assert children and all(url.startswith(running_site + "/") for url in children)
    for url in children:
        response = httpx.get(url)
        assert response.status_code == 200, url
        document = etree.fromstring(response.content)
        assert_valid(sitemap_schema, document)
        assert all(loc.startswith(running_site + "/") for loc in locations(document))
