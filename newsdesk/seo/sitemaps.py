"""Sitemaps: which URLs each child sitemap lists, and their XML written as a stream.

A site has one sitemap index (/sitemap.xml) naming child sitemaps of at most
50,000 URLs each: the home page and sections, the articles (with their lead
images), the author pages and the tag pages; plus the Google News sitemap of
the last 48 hours. Children are read from the database with .iterator() and
written out in batches, so a site with a million stories never holds its
sitemap in memory.

Neither the index nor a child file counts the archive: the articles are
split by ranges of their ids (file N holds the N-th range that has a live
story), so naming the files costs one probe per range, and each file is
read as one range of the primary key rather than from an OFFSET that grows
with the file's number. The other kinds are small (a site has dozens of
sections and authors, thousands of tags) and are counted.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from math import ceil
from urllib.parse import quote
from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from newsdesk.pagecache.memo import remembered
from newsdesk.stories.models import (
    ArticleAuthor,
    ArticlePage,
    ArticleTag,
    Author,
    Correction,
    HomePage,
    SectionPage,
)

from .addresses import absolute_url, origin

# The sitemaps.org protocol's limit for one file (the 50 MB size limit is
# far off: our entries are under 500 bytes each).
URLS_PER_SITEMAP = 50_000
# Google News reads stories published in the last two days, and at most
# 1,000 of them per news sitemap.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1_000
# Rows fetched per database round trip, and entries written per chunk of the
# response: big enough to keep both cheap, small enough to start at once.
FETCH_SIZE = 2_000
WRITE_BATCH = 200
# What Django's reverse() leaves unquoted in a path (RFC 3986 sub-delimiters and /~:@).
URL_SAFE = "!$&'()*+,;=/~:@"

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
NEWS_LANGUAGE = "en"


@dataclass
class NewsItem:
    publication_name: str
    publication_date: object
    title: str


@dataclass
class Entry:
    location: str
    lastmod: object = None
    images: list = field(default_factory=list)
    news: NewsItem = None


def live_articles(site):
    return ArticlePage.objects.live().public().in_site(site)


class ChildSitemap:
    """One kind of URL, split into files of at most `per_file` entries.

    Items are ordered by primary key so that file N lists the same stories
    from one day to the next and new stories land in the last file; ordered
    by date, every file would shift by one at each publication.
    """

    name = ""

    def __init__(self, site, request, per_file=URLS_PER_SITEMAP):
        self.site = site
        self.request = request
        self.per_file = per_file

    def items(self):
        raise NotImplementedError

    def entry(self, item):
        raise NotImplementedError

    def countable(self):
        """The items without what only the entries need (lastmod subqueries): cheap to count."""
        return self.items()

    def file_count(self):
        return ceil(self.countable().count() / self.per_file)

    def entries(self, number):
        """The entries of file `number` (counting from 1)."""
        start = (number - 1) * self.per_file
        for item in self.items()[start : start + self.per_file].iterator(chunk_size=FETCH_SIZE):
            yield self.entry(item)


class PagesSitemap(ChildSitemap):
    """The home page and the sections; each changes when a story under it does."""

    name = "pages"

    def countable(self):
        return Page.objects.live().public().in_site(self.site).type(HomePage, SectionPage)

    def items(self):
        newest_story = (
            live_articles(self.site)
            .filter(path__startswith=OuterRef("path"))
            .order_by("-last_published_at")
            .values("last_published_at")[:1]
        )
        return self.countable().annotate(newest_story=Subquery(newest_story)).order_by("path")

    def entry(self, page):
        times = [t for t in (page.last_published_at, page.newest_story) if t]
        return Entry(
            location=absolute_url(self.request, page.get_url(self.request)),
            lastmod=max(times) if times else None,
        )


class ArticlesSitemap(ChildSitemap):
    """Every live story, changed when republished or corrected, with its lead image.

    File N lists the stories of the N-th block of `per_file` consecutive
    page ids that holds any: at most `per_file` each, the same stories from
    one day to the next, new ones in the last file.
    """

    name = "articles"

    def file_count(self):
        return len(self.blocks)

    def entries(self, number):
        if not 1 <= number <= len(self.blocks):
            return
        start = self.blocks[number - 1] * self.per_file
        stories = self.items().filter(pk__gte=start, pk__lt=start + self.per_file)
        for article in stories.iterator(chunk_size=FETCH_SIZE):
            yield self.entry(article)

    @cached_property
    def blocks(self):
        """The numbers of the id blocks that hold a live story, in order.

        Remembered for the content version (newsdesk.pagecache.memo): the
        statement has an EXISTS per block, and building it took Django
        longer than the database took to answer it (14 ms for the sitemap
        index at a million stories, against 6.5 ms at a thousand).
        """
        return remembered(("sitemap-blocks", self.site.pk, self.per_file), self.find_blocks)

    def find_blocks(self):
        """Two queries, whatever the archive.

        The largest story id comes from the primary key's index; then one
        statement asks each block whether it has a live story, and each
        EXISTS stops at the first it finds.
        """
        top = ArticlePage.objects.aggregate(top=Max("pk"))["top"]
        if top is None:
            return []
        stories = self.story_pages()
        probes = {
            f"block_{number}": Exists(
                stories.filter(pk__gte=number * self.per_file, pk__lt=(number + 1) * self.per_file)
            )
            for number in range(top // self.per_file + 1)
        }
        # Any one row carries the answers: the site's own root page.
        answers = Page.objects.filter(pk=self.site.root_page_id).order_by().values(**probes).first() or {}
        return [number for number in range(len(probes)) if answers.get(f"block_{number}")]

    def story_pages(self):
        """The live stories as Wagtail pages, without the story table.

        A range of ids then bounds the page table's own primary key: through
        the story table, PostgreSQL walked the page table from the first id
        up to the range.
        """
        return Page.objects.live().public().in_site(self.site).type(ArticlePage)

    def items(self):
        """(url_path, last published, last corrected, lead image file) of each story, by id.

        Plain values rather than pages: building a page object and asking it
        for its URL cost more than half a millisecond a story, half a minute
        for a file of 50,000.
        """
        latest_correction = (
            Correction.objects.filter(article=OuterRef("pk"))
            .order_by("-corrected_at")
            .values("corrected_at")[:1]
        )
        # Looked up story by story, as the correction is: joined, the story
        # table would be walked from its first id up to the range.
        lead_image = ArticlePage.objects.filter(pk=OuterRef("pk")).values("lead_image__file")[:1]
        return (
            self.story_pages()
            .annotate(latest_correction=Subquery(latest_correction), lead_image_file=Subquery(lead_image))
            .order_by("pk")
            .values_list("url_path", "last_published_at", "latest_correction", "lead_image_file")
        )

    def entry(self, row):
        url_path, published, corrected, image = row
        times = [t for t in (published, corrected) if t]
        # The original file: a rendition would cost a query (or an image
        # resize) per story, and crawlers are happy with the full size.
        images = [absolute_url(self.request, self.image_storage.url(image))] if image else []
        return Entry(
            location=absolute_url(self.request, self.page_path(url_path)),
            lastmod=max(times) if times else None,
            images=images,
        )

    @cached_property
    def image_storage(self):
        return get_image_model()._meta.get_field("file").storage

    @cached_property
    def serve_prefix(self):
        """Wagtail's serving path for the site's root page: "/" unless Wagtail's URLs sit under a prefix."""
        return reverse("wagtail_serve", args=("",))

    @cached_property
    def root_path(self):
        return next(root.root_path for root in Site.get_site_root_paths() if root.site_id == self.site.id)

    def page_path(self, url_path):
        """The path Page.get_url gives a page of this site, without reversing a URL for each story."""
        path = self.serve_prefix + quote(url_path[len(self.root_path) :], safe=URL_SAFE)
        if not getattr(settings, "WAGTAIL_APPEND_SLASH", True) and path != "/":
            path = path.rstrip("/")
        return path


class HomeRouteSitemap(ChildSitemap):
    """Pages the home page answers itself (author and tag pages), for items with stories."""

    model = None
    route = ""

    @cached_property
    def home(self):
        root = self.site.root_page.specific
        return root if isinstance(root, HomePage) else None

    @cached_property
    def home_url(self):
        return absolute_url(self.request, self.home.get_url(self.request))

    def newest_story(self):
        raise NotImplementedError

    def stories_of(self):
        """Live stories of the item named by OuterRef("pk")."""
        raise NotImplementedError

    def countable(self):
        if self.home is None:
            return self.model.objects.none()
        # Any one live story, asked per item, stops at the first it finds;
        # the newest one, for lastmod, would read all of them. (PostgreSQL
        # turns an EXISTS into a join of every item's stories instead.)
        any_story = Subquery(self.stories_of().order_by().values("pk")[:1])
        return self.model.objects.annotate(any_story=any_story).filter(any_story__isnull=False)

    def items(self):
        if self.home is None:
            return self.model.objects.none()
        return (
            self.model.objects.annotate(newest_story=Subquery(self.newest_story()))
            .filter(newest_story__isnull=False)
            .order_by("pk")
        )

    def entry(self, item):
        path = self.home.reverse_subpage(self.route, kwargs={"slug": item.slug})
        return Entry(location=self.home_url.rstrip("/") + "/" + path, lastmod=item.newest_story)


class AuthorsSitemap(HomeRouteSitemap):
    name = "authors"
    model = Author
    route = "author"

    def stories_of(self):
        return live_articles(self.site).filter(article_authors__author=OuterRef("pk"))

    def newest_story(self):
        return (
            ArticleAuthor.objects.filter(
                author=OuterRef("pk"), article__in=live_articles(self.site).values("pk")
            )
            .order_by("-article__last_published_at")
            .values("article__last_published_at")[:1]
        )


class TagsSitemap(HomeRouteSitemap):
    name = "tags"
    model = Tag
    route = "tag"

    def stories_of(self):
        return live_articles(self.site).filter(tagged_items__tag=OuterRef("pk"))

    def newest_story(self):
        return (
            ArticleTag.objects.filter(
                tag=OuterRef("pk"), content_object__in=live_articles(self.site).values("pk")
            )
            .order_by("-content_object__last_published_at")
            .values("content_object__last_published_at")[:1]
        )


CHILD_SITEMAPS = [PagesSitemap, ArticlesSitemap, AuthorsSitemap, TagsSitemap]


def child_sitemap(name, site, request):
    for sitemap_class in CHILD_SITEMAPS:
        if sitemap_class.name == name:
            return sitemap_class(site, request)
    return None


def index_locations(site, request):
    """The absolute URL of every child sitemap that has entries, news last."""
    locations = []
    for sitemap_class in CHILD_SITEMAPS:
        sitemap = sitemap_class(site, request)
        for number in range(1, sitemap.file_count() + 1):
            path = reverse("seo:sitemap", kwargs={"name": sitemap.name, "number": number})
            locations.append(origin(request) + path)
    locations.append(origin(request) + reverse("seo:news_sitemap"))
    return locations


def news_articles(site, now=None, limit=NEWS_LIMIT):
    """Stories first published in the news window, newest first, at most `limit`."""
    now = now or timezone.now()
    return (
        live_articles(site)
        .defer_streamfields()
        .filter(first_published_at__gte=now - NEWS_WINDOW, first_published_at__lte=now)
        .order_by("-first_published_at", "-pk")[:limit]
    )


def news_entries(site, request, publication_name, now=None, limit=NEWS_LIMIT):
    for article in news_articles(site, now, limit).iterator(chunk_size=FETCH_SIZE):
        yield Entry(
            location=absolute_url(request, article.get_url(request)),
            news=NewsItem(publication_name, article.first_published_at, article.title),
        )


# XML 1.0 forbids most control characters even when escaped; a headline
# pasted from a wire feed can carry one, and one would void the whole file.
INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value):
    return escape(INVALID_XML_CHARS.sub("", str(value)))


def w3c_datetime(value):
    """W3C datetime to the second with the time zone: 2026-11-27T09:30:00+00:00."""
    return timezone.localtime(value).isoformat(timespec="seconds")


def url_element(entry):
    parts = [f"<url><loc>{xml_text(entry.location)}</loc>"]
    if entry.lastmod:
        parts.append(f"<lastmod>{w3c_datetime(entry.lastmod)}</lastmod>")
    for image in entry.images:
        parts.append(f"<image:image><image:loc>{xml_text(image)}</image:loc></image:image>")
    if entry.news:
        news = entry.news
        parts.append(
            "<news:news><news:publication>"
            f"<news:name>{xml_text(news.publication_name)}</news:name>"
            f"<news:language>{NEWS_LANGUAGE}</news:language>"
            "</news:publication>"
            f"<news:publication_date>{w3c_datetime(news.publication_date)}</news:publication_date>"
            f"<news:title>{xml_text(news.title)}</news:title>"
            "</news:news>"
        )
    parts.append("</url>\n")
    return "".join(parts)


def urlset(entries, namespaces=(("image", IMAGE_NS),)):
    """The <urlset> document, yielded in pieces of WRITE_BATCH entries."""
    declarations = "".join(f' xmlns:{prefix}="{uri}"' for prefix, uri in namespaces)
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}"{declarations}>\n'
    batch = []
    for entry in entries:
        batch.append(url_element(entry))
        if len(batch) >= WRITE_BATCH:
            yield "".join(batch)
            batch = []
    yield "".join(batch) + "</urlset>\n"


def sitemap_index(locations):
    lines = [f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n']
    lines += [f"<sitemap><loc>{xml_text(location)}</loc></sitemap>\n" for location in locations]
    lines.append("</sitemapindex>\n")
    return "".join(lines)
