"""What a feed says, whatever its format: its head, and one entry per story.

RSS, Atom and JSON Feed all render the same `Feed`; this is the one place
that decides which stories go in and what each entry carries.
"""

import mimetypes
import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import get_language

from newsdesk import conf
from newsdesk.pagecache.fragments import cached_fragment
from newsdesk.stories.models import SectionPage, with_renditions

from .content import full_text

# 16:9 at 1200 pixels wide: the largest size the article page already
# renders (so the rendition usually exists), and the shape feed readers and
# link previews crop to.
LEAD_IMAGE_SPEC = "fill-1200x675"

# Characters XML 1.0 forbids; a wire story can carry them in from elsewhere,
# and one of them would make the whole feed unparseable.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Person:
    name: str
    url: str


@dataclass(frozen=True)
class Image:
    url: str
    length: int
    mime_type: str
    width: int
    height: int


@dataclass(frozen=True)
class Entry:
    id: str
    url: str
    title: str
    summary: str
    content_html: str | None
    published: datetime
    updated: datetime
    authors: list[Person]
    categories: list[str]
    image: Image | None
    source_url: str


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    description: str
    link: str
    self_url: str
    home_url: str
    site_name: str
    language: str
    copyright: str
    updated: datetime
    entries: list[Entry]


def story_guid(page):
    """The entry id of a story: the same across edits, slug changes, moves and host names.

    Wagtail gives every page a random translation key when it is created;
    translations of a page share it, so the language goes in too.
    """
    return f"urn:uuid:{uuid.uuid5(page.translation_key, page.locale.language_code)}"


def feed_time(when):
    """A time as feeds show it: in the site's time zone, to the second."""
    return timezone.localtime(when).replace(microsecond=0)


def clean_text(text):
    return XML_FORBIDDEN.sub("", text or "")


def build_feed(request, scope, filename):
    """The feed of `scope`, newest story first, as the format named `filename` will carry it."""
    stories = list(
        scope.stories()
        .select_related("locale")
        .prefetch_related("tagged_items__tag", "corrections")[: conf.get("NEWSDESK_FEED_ITEMS")]
    )
    sections = sections_of(stories)
    lead_images = lead_images_of(request, stories)
    full = conf.get("NEWSDESK_FEED_FULL_TEXT")
    entries = [
        entry_for(request, scope, story, sections.get(story.pk), lead_images.get(story.pk), full)
        for story in stories
    ]
    if entries:
        updated = max(entry.updated for entry in entries)
    else:
        updated = feed_time(scope.home.last_published_at or timezone.now())
    return Feed(
        id=scope.feed_id(),
        title=clean_text(scope.title),
        description=clean_text(scope.description),
        link=request.build_absolute_uri(scope.page_url(request)),
        self_url=request.build_absolute_uri(scope.feed_path(filename)),
        home_url=request.build_absolute_uri(scope.home.get_url(request)),
        site_name=clean_text(scope.site_name),
        language=get_language() or "en",
        copyright=clean_text(scope.newsroom.copyright_line()),
        updated=updated,
        entries=entries,
    )


def entry_for(request, scope, story, section, image, full):
    url = request.build_absolute_uri(story.get_url(request))
    published = feed_time(story.published_at)
    # A correction counts as an update even when it was filed without a new
    # publication, so the latest of the two wins.
    changes = [published, story.last_published_at, story.updated_at]
    updated = max(feed_time(when) for when in changes if when is not None)
    tags = sorted((item.tag.name for item in story.tagged_items.all()), key=str.casefold)
    return Entry(
        id=story_guid(story),
        url=url,
        title=clean_text(story.title),
        summary=clean_text(story.standfirst or story.excerpt()),
        content_html=story_content(request, story, url, image) if full else None,
        published=published,
        updated=updated,
        authors=[
            Person(clean_text(author.name), request.build_absolute_uri(scope.author_path(request, author)))
            for author in story.authors
        ],
        categories=[clean_text(name) for name in ([section.title] if section else []) + tags],
        image=image,
        source_url=story.source_url,
    )


def story_content(request, story, url, image):
    """The story's full text for its entry, kept as a fragment: every feed that lists the
    story (home's, its section's, tags', authors') reuses it until the content changes."""
    return cached_fragment(
        request, "feed-story", (story.pk, image.url if image else ""),
        lambda: clean_text(full_text(story, url, image)),
    )


def sections_of(stories):
    """Each story's section, found in one query rather than one per story."""
    parent_paths = {story.path[: -story.steplen] for story in stories}
    by_path = {section.path: section for section in SectionPage.objects.filter(path__in=parent_paths)}
    return {story.pk: by_path.get(story.path[: -story.steplen]) for story in stories}


def lead_images_of(request, stories):
    """Each story's lead image as an enclosure: a rendition's absolute URL, size and type."""
    with_renditions(stories, [LEAD_IMAGE_SPEC])
    found = {}
    for story in stories:
        if story.lead_image is None:
            continue
        try:
            rendition = story.lead_image.get_rendition(LEAD_IMAGE_SPEC)
            length = rendition.file.size
        except (OSError, ValueError):
            # A missing or unreadable original: the story goes out without its picture.
            continue
        mime_type = mimetypes.guess_type(rendition.file.name)[0]
        if length and mime_type:
            found[story.pk] = Image(
                request.build_absolute_uri(rendition.url), length, mime_type, rendition.width, rendition.height
            )
    return found
