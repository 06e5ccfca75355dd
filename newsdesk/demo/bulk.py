"""Bulk archive: write many synthetic stories straight into the database, for benchmarks.

A decade of news is around a million stories; saving them one by one
through Wagtail (`add_child`, a revision, a publish, a search update each)
would take days. This module writes the same rows in batches instead:

1. the base `wagtailcore_page` rows, with treebeard paths that continue
   after each section's last child (bulk_create);
2. the `stories_articlepage` rows that extend them (Django's bulk_create
   refuses multi-table children, so one executemany with the fields' own
   database conversion);
3. bylines (ArticleAuthor) and tags (ArticleTag);
4. the reference index rows Wagtail keeps for "usage" counts;
5. the search index entries, shaped as the configured search backend
   shapes them (see `entry_writer`);

then raises each section's `numchild`, all in one transaction per batch.
Stories are live, published over the past ten years, oldest first, so a
section's tree order is its publication order, as in a real archive.
"""

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from wagtail.models import Page, ReferenceIndex
from wagtail.search.backends import get_search_backend

from newsdesk.pagecache.invalidation import purge_everything
from newsdesk.stories.models import ArticleAuthor, ArticlePage, ArticleTag, Author, SectionPage

from . import prose, search_entries
from .rows import insert_rows

# Two thousand stories make about twenty thousand rows, a transaction short
# enough not to hold SQLite's write lock for long and large enough that the
# per-batch queries (paths, slugs, numchild) cost nothing per story.
BATCH_SIZE = 2000
ARCHIVE_SPAN = timedelta(days=3652)
# Synthetic bylines are added until the site has this many authors, so an
# author page of a large archive lists thousands of stories, not a million.
AUTHOR_POOL = 40
# treebeard numbers a node's children in fixed-width steps (four base-36
# characters), so a section has room for this many minus one.
MAX_CHILDREN = len(Page.alphabet) ** Page.steplen


class ArchiveError(Exception):
    """The archive cannot be written here: no sections, or a section is full."""


@dataclass
class Story:
    section: SectionPage
    title: str
    standfirst: str
    paragraphs: list
    published_at: datetime
    author_ids: list
    tag_ids: list
    path: str = ""
    slug: str = ""
    page_id: int = 0
    byline_ids: list = field(default_factory=list)
    tagging_ids: list = field(default_factory=list)


class Newsroom:
    """Where the stories go and who writes them: sections, an author pool, tags per section."""

    def __init__(self, rng):
        self.sections = list(SectionPage.objects.live().order_by("path"))
        if not self.sections:
            raise ArchiveError("The site has no live sections: run `newsdesk setup` first.")
        self.author_ids = author_pool(rng)
        self.authors = dict(Author.objects.filter(pk__in=self.author_ids).values_list("pk", "name"))
        self.tags = {section.pk: tag_pool(prose.section_tags(section.slug)) for section in self.sections}
        self.tag_names = dict(Tag.objects.values_list("pk", "name"))


def author_pool(rng):
    existing = list(Author.objects.order_by("pk").values_list("pk", flat=True))
    missing = AUTHOR_POOL - len(existing)
    if missing > 0:
        taken = set(Author.objects.values_list("slug", flat=True))
        names = [name for name in prose.byline_names() if slugify(name) not in taken]
        for name in rng.sample(names, min(missing, len(names))):
            existing.append(Author.objects.create(name=name, slug=slugify(name)).pk)
    return existing


def tag_pool(names):
    """The tags' ids, creating those missing (case-insensitively, as the site's taggit does)."""
    ids = []
    for name in names:
        tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name, slug=slugify(name))
        ids.append(tag.pk)
    return ids


def generate_archive(count, seed=None, batch_size=BATCH_SIZE, on_batch=None, now=None):
    """Add `count` live stories spread over the past ten years; return how many were added.

    `on_batch(n)` is called after each committed batch of n stories.
    """
    rng = random.Random(seed)
    now = now or timezone.now()
    newsroom = Newsroom(rng)
    writer = entry_writer()
    start = now - ARCHIVE_SPAN
    step = ARCHIVE_SPAN / max(count, 1)
    added = 0
    while added < count:
        size = min(batch_size, count - added)
        # One time slot per story across the span, each jittered inside its
        # slot: times rise with the tree paths, and the newest is recent.
        times = [start + step * (added + n + 1) - step * rng.random() for n in range(size)]
        stories = [write_story(rng, newsroom, published_at) for published_at in times]
        with transaction.atomic():
            save_batch(stories, newsroom, writer)
        added += size
        if on_batch:
            on_batch(size)
    writer.finish()
    refresh_statistics()
    # The rows were written past the signals that keep cached pages fresh.
    purge_everything()
    return added


def refresh_statistics():
    """PostgreSQL plans by what it knows of each table: after a bulk import, tell it now.

    Its background analysis would catch up within minutes; until then it
    takes a common search word for a rare one, reads every match from the
    index and sorts them (400 ms at 120,000 stories against 60 ms). SQLite
    keeps no statistics unless asked, and newsdesk's queries are written
    for the plans it makes without them.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # VACUUM as well where it can run (not inside a transaction): it
            # marks the new rows visible to all in the visibility map, without
            # which an index-only scan reads the table too. At a million
            # stories, page 500 of a section took 27 ms before and 14 ms
            # after, a tag page 41 ms and 19 ms (docs/performance.md).
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")


def write_story(rng, newsroom, published_at):
    section = rng.choice(newsroom.sections)
    headline = prose.headline(rng, section.slug)
    byline = rng.sample(newsroom.author_ids, 2 if rng.random() < 0.15 else 1)
    tags = sorted(rng.sample(newsroom.tags[section.pk], rng.randint(1, 3)))
    return Story(
        section=section,
        title=headline,
        standfirst=prose.standfirst(rng, section.slug),
        paragraphs=[prose.paragraph(rng, section.slug) for _ in range(rng.randint(3, 6))],
        published_at=published_at,
        author_ids=byline,
        tag_ids=tags,
    )


def save_batch(stories, newsroom, writer):
    place_in_tree(stories)
    insert_pages(stories)
    insert_articles(stories)
    insert_bylines_and_tags(stories)
    insert_references(stories)
    writer.add(stories, newsroom)
    for section_id, added in count_by_section(stories).items():
        Page.objects.filter(pk=section_id).update(numchild=F("numchild") + added)


def count_by_section(stories):
    counts = {}
    for story in stories:
        counts[story.section.pk] = counts.get(story.section.pk, 0) + 1
    return counts


def place_in_tree(stories):
    """Give each story the next free path under its section, and a slug no sibling has.

    Paths continue after the section's last child as it is now, read in
    this transaction with the section row locked, so an editor publishing
    meanwhile cannot take the same path. The slug ends with the path's step
    number, which no earlier story under the section can have had.
    """
    sections = {story.section.pk: story.section for story in stories}
    locked = SectionPage.objects.select_for_update().filter(pk__in=sections)
    next_step = {}
    for section in locked:
        last = section.get_last_child()
        next_step[section.pk] = Page._str2int(last.path[-Page.steplen :]) + 1 if last else 1
    for story in stories:
        section = story.section
        step = next_step[section.pk]
        next_step[section.pk] = step + 1
        if step >= MAX_CHILDREN:
            raise ArchiveError(f"The section {section.title!r} is full: it holds at most {MAX_CHILDREN - 1:,} pages.")
        story.path = Page._get_path(section.path, section.depth + 1, step)
        story.slug = f"{slugify(story.title)[:80].rstrip('-')}-{step}"
    for section_id, section in sections.items():
        mine = [story for story in stories if story.section.pk == section_id]
        taken = set(
            Page.objects.filter(path__startswith=section.path, depth=section.depth + 1)
            .filter(slug__in=[story.slug for story in mine])
            .values_list("slug", flat=True)
        )
        for story in mine:
            if story.slug in taken:  # a hand-made story happens to end in the same number
                story.slug = f"{story.slug}-{uuid.uuid4().hex[:6]}"


def insert_pages(stories):
    content_type = ContentType.objects.get_for_model(ArticlePage)
    pages = [
        Page(
            path=story.path,
            depth=story.section.depth + 1,
            numchild=0,
            title=story.title,
            draft_title=story.title,
            slug=story.slug,
            content_type=content_type,
            live=True,
            has_unpublished_changes=False,
            url_path=f"{story.section.url_path}{story.slug}/",
            search_description=story.standfirst,
            first_published_at=story.published_at,
            last_published_at=story.published_at,
            latest_revision_created_at=story.published_at,
            locale_id=story.section.locale_id,
        )
        for story in stories
    ]
    Page.objects.bulk_create(pages)
    for story, page in zip(stories, pages, strict=True):
        story.page_id = page.pk


def insert_articles(stories):
    rows = [
        {
            "page_ptr_id": story.page_id,
            "standfirst": story.standfirst,
            "body": [
                {"type": "paragraph", "value": f"<p>{escape(text)}</p>", "id": str(uuid.uuid4())}
                for text in story.paragraphs
            ],
        }
        for story in stories
    ]
    insert_rows(ArticlePage, rows)


def insert_bylines_and_tags(stories):
    bylines = [
        ArticleAuthor(article_id=story.page_id, author_id=author_id, sort_order=order)
        for story in stories
        for order, author_id in enumerate(story.author_ids)
    ]
    taggings = [
        ArticleTag(content_object_id=story.page_id, tag_id=tag_id) for story in stories for tag_id in story.tag_ids
    ]
    ArticleAuthor.objects.bulk_create(bylines)
    ArticleTag.objects.bulk_create(taggings)
    bylines, taggings = iter(bylines), iter(taggings)
    for story in stories:
        story.byline_ids = [next(bylines).pk for _ in story.author_ids]
        story.tagging_ids = [next(taggings).pk for _ in story.tag_ids]


def insert_references(stories):
    """The rows ReferenceIndex.create_or_update_for_object would record: each byline and tag."""
    content_type = ContentType.objects.get_for_model(ArticlePage).pk
    page_type = ContentType.objects.get_for_model(Page).pk
    author_type = ContentType.objects.get_for_model(Author).pk
    tag_type = ContentType.objects.get_for_model(Tag).pk
    rows = []
    for story in stories:
        targets = [
            (author_type, author_id, "article_authors", link_id, "author")
            for author_id, link_id in zip(story.author_ids, story.byline_ids, strict=True)
        ] + [
            (tag_type, tag_id, "tagged_items", link_id, "tag")
            for tag_id, link_id in zip(story.tag_ids, story.tagging_ids, strict=True)
        ]
        for to_type, to_id, relation, link_id, attribute in targets:
            content_path = f"{relation}.{link_id}.{attribute}"
            rows.append(
                {
                    "content_type_id": content_type,
                    "base_content_type_id": page_type,
                    "object_id": str(story.page_id),
                    "to_content_type_id": to_type,
                    "to_object_id": str(to_id),
                    "model_path": f"{relation}.item.{attribute}",
                    "content_path": content_path,
                    "content_path_hash": ReferenceIndex._get_content_path_hash(content_path),
                }
            )
    insert_rows(ReferenceIndex, rows)


def entry_writer():
    return search_entries.writer_for(get_search_backend())
