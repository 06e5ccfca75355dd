"""Archive pages read only what they show: a section's deep page and the sitemaps never count or scan the archive.

A million stories make any full pass over the stories cost seconds, so these
tests read SQLite's plan for every query the pages make (EXPLAIN QUERY PLAN)
and fail on a pass over a table of the archive (a SCAN), on a count of the
stories and on an OFFSET into them.
"""

import re
from math import ceil

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Site

from newsdesk.seo.sitemaps import ArticlesSitemap
from newsdesk.stories.models import ArticlePage, SectionPage

pytestmark = pytest.mark.django_db

# Tables that grow with the archive; the others hold a site's sections,
# authors, tags and settings.
ARCHIVE_TABLES = (
    "wagtailcore_page",
    "stories_articlepage",
    "stories_articletag",
    "stories_articleauthor",
    "stories_correction",
    "wagtailcore_referenceindex",
)


def archive_aliases(sql):
    """The archive tables a query reads, under the names SQLite's plan gives them (Django's U0, U1… aliases)."""
    names = set(ARCHIVE_TABLES)
    for table, alias in re.findall(r'"(\w+)" (U\d+)\b', sql):
        if table in ARCHIVE_TABLES:
            names.add(alias)
    return names


def plan_of(sql):
    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plans; PostgreSQL's pages are timed by benchmarks/serve.py --scale")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [row[-1] for row in cursor.fetchall()]


def full_scans(queries):
    """(query, plan line) for each pass over an archive table."""
    found = []
    for query in queries:
        sql = query["sql"]
        tables = archive_aliases(sql)
        for line in plan_of(sql):
            match = re.match(r"SCAN (\w+)", line)
            if match and match.group(1) in tables:
                found.append((sql, line))
    return found


def archive_counts(queries):
    """Queries counting rows of an archive table."""
    tables = "|".join(ARCHIVE_TABLES)
    return [q["sql"] for q in queries if re.match(rf'SELECT COUNT\(\*\) AS "__count" FROM "({tables})"', q["sql"])]


def offsets(queries):
    return [q["sql"] for q in queries if re.search(r"\bOFFSET [1-9]", q["sql"]) and "stories_articlepage" in q["sql"]]


def queries_of(client, url):
    client.get(url)  # the first view makes what later views reuse
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, url
    return captured.captured_queries, body.decode()


@pytest.fixture
def short_pages(settings):
    settings.NEWSDESK_LIST_PAGE_SIZE = 2


def busiest_section():
    sections = SectionPage.objects.live()
    return max(sections, key=lambda section: ArticlePage.objects.live().child_of(section).count())


def test_a_sections_deep_page_reads_its_stories_and_their_count_from_the_index(client, short_pages):
    section = busiest_section()
    stories = ArticlePage.objects.live().child_of(section).count()
    last = ceil(stories / 2)
    queries, html = queries_of(client, f"{section.url}?page={last}")
    assert f"Page {last} of {last}" in html
    assert full_scans(queries) == []
    # The page's stories: the section's own, skipped to the page in the children index.
    [listing] = offsets(queries)
    plan = plan_of(listing)
    assert "SEARCH U0 USING COVERING INDEX newsdesk_page_children (<expr>=?)" in plan
    assert "USE TEMP B-TREE FOR RIGHT PART OF ORDER BY" not in plan  # the index gives the whole order
    # The count: the section's number of children, less its offline ones, found in their own index.
    [count] = archive_counts(queries)
    assert plan_of(count) == ["SEARCH wagtailcore_page USING INDEX newsdesk_page_offline (depth=? AND path>? AND path<?)"]


def test_a_sections_page_count_leaves_out_unpublished_and_draft_stories(client, short_pages):
    section = busiest_section()
    live = list(ArticlePage.objects.live().child_of(section).order_by("first_published_at"))
    live[0].unpublish()
    draft = ArticlePage(title="A story still being written", slug="still-being-written", live=False)
    section.add_child(instance=draft)
    pages = ceil((len(live) - 1) / 2)
    _, html = queries_of(client, section.url)
    assert f"Page 1 of {pages}" in html
    _, html = queries_of(client, f"{section.url}?page={pages}")
    assert live[1].title in html or live[2].title in html  # the oldest published story is on the last page
    assert live[0].title not in html


def test_the_sitemap_index_neither_counts_nor_scans_the_stories(client):
    queries, xml = queries_of(client, reverse("seo:sitemap_index"))
    assert "/sitemap-articles-1.xml" in xml
    assert full_scans(queries) == []
    # Only the pages kind counts: the home page and sections, found by their
    # type in the content type index.
    [count] = archive_counts(queries)
    assert plan_of(count) == [
        "SEARCH wagtailcore_page USING INDEX wagtailcore_page_content_type_id_c28424df (content_type_id=?)"
    ]


def test_an_articles_sitemap_reads_one_range_of_ids_not_an_offset(client):
    queries, xml = queries_of(client, reverse("seo:sitemap", kwargs={"name": "articles", "number": 1}))
    assert xml.count("<url>") == ArticlePage.objects.live().count()
    assert full_scans(queries) == []
    assert archive_counts(queries) == []
    assert offsets(queries) == []


def test_an_id_range_without_live_stories_gets_no_file(rf):
    """Files cover blocks of ids; a block whose stories are all unpublished is left out, not listed empty."""
    request = rf.get("/sitemap.xml")
    site = Site.find_for_request(request)
    before = ArticlesSitemap(site, request, per_file=5)
    first_block = before.blocks[0]
    for story in ArticlePage.objects.live().filter(pk__gte=first_block * 5, pk__lt=first_block * 5 + 5):
        story.unpublish()
    after = ArticlesSitemap(site, request, per_file=5)
    assert after.file_count() == before.file_count() - 1
    files = [[entry.location for entry in after.entries(n)] for n in range(1, after.file_count() + 1)]
    assert all(files)
    assert sum(len(listing) for listing in files) == ArticlePage.objects.live().count()


def test_a_private_story_leaves_the_sections_page_count(client, short_pages):
    from wagtail.models import PageViewRestriction

    section = busiest_section()
    live = list(ArticlePage.objects.live().child_of(section).order_by("first_published_at"))
    PageViewRestriction.objects.create(page=live[0], restriction_type=PageViewRestriction.LOGIN)
    _, html = queries_of(client, section.url)
    assert f"Page 1 of {ceil((len(live) - 1) / 2)}" in html


def busiest_tag():
    from taggit.models import Tag

    return max(Tag.objects.all(), key=lambda tag: ArticlePage.objects.live().filter(tagged_items__tag=tag).count())


def tag_url(tag):
    return f"/tags/{tag.slug}/"


def test_a_tag_page_walks_the_listing_index_and_counts_the_tags_own_rows(client, short_pages):
    tag = busiest_tag()
    stories = ArticlePage.objects.live().filter(tagged_items__tag=tag).count()
    queries, html = queries_of(client, tag_url(tag))
    assert f"Page 1 of {ceil(stories / 2)}" in html
    assert full_scans(queries) == []
    # Counted from the tag's rows in its own index, less the tagged stories
    # that are not live, found in the offline pages index: no story is read.
    tag_counts = [q["sql"] for q in queries if "COUNT(*)" in q["sql"] and "stories_articletag" in q["sql"]]
    assert len(tag_counts) == 2
    assert all("stories_articlepage" not in sql for sql in tag_counts)
    plans = [plan_of(sql) for sql in tag_counts]
    assert "SEARCH stories_articletag USING COVERING INDEX stories_tag_stories (tag_id=?)" in plans[0]
    assert "SEARCH U0 USING INDEX newsdesk_page_offline (depth=? AND path>? AND path<?)" in plans[1]
    # The stories shown: the site's, newest first from the listing index, each probed for the tag.
    [listing] = [q["sql"] for q in queries if "EXISTS" in q["sql"] and "stories_articletag" in q["sql"]]
    assert any("USING INDEX newsdesk_page_listing (depth=?)" in line for line in plan_of(listing))


def test_a_tag_page_count_leaves_out_unpublished_drafts_and_private_stories(client, short_pages):
    from wagtail.models import PageViewRestriction

    tag = busiest_tag()
    tagged = list(ArticlePage.objects.live().filter(tagged_items__tag=tag).order_by("first_published_at"))
    tagged[0].unpublish()
    _, html = queries_of(client, tag_url(tag))
    assert f"Page 1 of {ceil((len(tagged) - 1) / 2)}" in html
    _, html = queries_of(client, f"{tag_url(tag)}?page={ceil((len(tagged) - 1) / 2)}")
    assert tagged[1].title in html or tagged[2].title in html  # the oldest tagged story left is on the last page
    assert tagged[0].title not in html
    # A private story: the count falls back to counting the listing, which leaves it out.
    PageViewRestriction.objects.create(page=tagged[1], restriction_type=PageViewRestriction.LOGIN)
    _, html = queries_of(client, tag_url(tag))
    assert f"Page 1 of {ceil((len(tagged) - 2) / 2)}" in html


def test_an_author_page_is_listed_and_counted_like_a_tag_page(client, short_pages):
    from newsdesk.stories.models import Author

    author = max(Author.objects.all(), key=lambda a: ArticlePage.objects.live().filter(article_authors__author=a).count())
    stories = ArticlePage.objects.live().filter(article_authors__author=author).distinct().count()
    queries, html = queries_of(client, f"/authors/{author.slug}/")
    assert f"Page 1 of {ceil(stories / 2)}" in html
    assert full_scans(queries) == []
