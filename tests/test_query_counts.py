"""Each reader page costs a fixed number of database queries, however long the archive."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.models import Tag

from newsdesk.demo.bulk import generate_archive
from newsdesk.pagecache.versions import bump_content_version
from newsdesk.stories.models import ArticlePage, ArticleTag, Author

# Queries per page, served uncached (the full-page cache is off in the tests):
# (rendered afresh, after a change gave a new content version; rendered again
# with the fragments and lookups kept from the first time).
EXPECTED = {
    "home": (24, 0),  # 7 of them one per section, each read from the listing index
    "section": (13, 8),
    "section, later page": (13, 8),
    "article": (14, 0),
    # Tag and author pages: two counts from indexes (the tag's or author's
    # rows, less its offline stories) and, once per version, "one home page?".
    "tag": (14, 8),
    "author": (16, 10),
    "search": (10, 6),  # and on SQLite the queries that score its matches (below)
    "site feed": (11, 8),
    "section feed": (13, 10),
    # The articles' id blocks (the largest id, then an EXISTS per block) once per version.
    "sitemap index": (11, 6),
    "child sitemap": (7, 2),
}
# On SQLite the search page scores its newest matches itself (fts5_ranking):
# the index's totals, each word's newest entries, the matches' texts.
SQLITE_SEARCH_SCORING = 3


def expected_counts():
    counts = dict(EXPECTED)
    if connection.vendor == "sqlite":
        counts["search"] = tuple(count + SQLITE_SEARCH_SCORING for count in counts["search"])
    return counts


def reader_pages():
    """One URL of each kind of reader page, for stories of the demo newsroom."""
    article = ArticlePage.objects.live().filter(lead_image__isnull=False).order_by("-first_published_at").first()
    section = article.get_parent().specific
    tag = Tag.objects.filter(pk__in=ArticleTag.objects.values("tag_id")).order_by("pk").first()
    author = Author.objects.filter(pk=article.article_authors.first().author_id).get()
    return {
        "home": "/",
        "section": section.url,
        "section, later page": section.url + "?page=2",
        "article": article.url,
        "tag": f"/tags/{tag.slug}/",
        "author": f"/authors/{author.slug}/",
        "search": "/search/?q=water",
        "site feed": reverse("feeds:site", kwargs={"filename": "rss.xml"}),
        "section feed": reverse("feeds:section", kwargs={"slug": section.slug, "filename": "rss.xml"}),
        "sitemap index": reverse("seo:sitemap_index"),
        "child sitemap": reverse("seo:sitemap", kwargs={"name": "articles", "number": 1}),
    }


def query_counts(client, urls):
    counts = {}
    for name, url in urls.items():
        # The first view makes what every later one reuses (renditions).
        assert client.get(url).status_code == 200, url
        bump_content_version()
        counts[name] = (count_queries(client, url), count_queries(client, url))
    return counts


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


@pytest.fixture
def short_pages(settings):
    # Three stories a page, so that a demo section has a second page.
    settings.NEWSDESK_LIST_PAGE_SIZE = 3


@pytest.mark.django_db
def test_reader_pages_cost_a_fixed_number_of_queries(client, short_pages):
    urls = reader_pages()
    counts = query_counts(client, urls)
    assert counts == expected_counts(), counts


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_archive(client, short_pages):
    urls = reader_pages()
    assert query_counts(client, urls) == expected_counts()
    # The extra stories are older than the demo's, so each page shows the same
    # stories as before, with a longer archive behind it.
    demo_stories = ArticlePage.objects.live().count()
    oldest = ArticlePage.objects.live().order_by("first_published_at").first().first_published_at
    generate_archive(9 * demo_stories, seed=7, now=oldest - timedelta(days=1))
    assert ArticlePage.objects.live().count() == 10 * demo_stories
    assert query_counts(client, urls) == expected_counts()
