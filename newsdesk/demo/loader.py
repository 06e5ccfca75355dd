"""Load the demo newsroom (newsroom.json) into an empty site."""

import io
import json
from urllib.parse import urlsplit, urlunsplit
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from wagtail.images import get_image_model
from wagtail.models import Collection, Site
from wagtail.rich_text import RichText

from newsdesk import conf
from newsdesk.branding.models import NewsroomSettings
from newsdesk.stories.homepage import ensure_home_page
from newsdesk.stories.models import (
    ArticleAuthor,
    ArticlePage,
    Author,
    AuthorLink,
    Correction,
    SectionPage,
)

from newsdesk.wire.models import Source

from . import images
from .outlets import demo_sources

NEWSROOM_FILE = Path(__file__).with_name("newsroom.json")
# The demo's images live in this collection; its presence says the demo was loaded.
DEMO_COLLECTION = "Demo newsroom"
# Left on a demo source paused because the outlets are off, so turning them on resumes it.
OUTLETS_OFF_NOTE = "Paused: the demo outlets are off on this site (NEWSDESK_DEMO_OUTLETS)."


def read_newsroom(path=NEWSROOM_FILE):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def load_demo(force=False, echo=print, now=None, path=NEWSROOM_FILE):
    """Load the demo into the default site; return how many stories it added.

    Does nothing when the site already has stories (unless `force`), so
    running `make run` twice never duplicates the demo.
    """
    if ArticlePage.objects.exists() and not force:
        return 0
    newsroom = read_newsroom(path)
    now = now or timezone.now()
    home = ensure_home_page()
    with transaction.atomic():
        apply_site_settings(newsroom["site"], home)
        collection = demo_collection()
        sections = {item["slug"]: ensure_section(home, item) for item in newsroom["sections"]}
        authors = {item["slug"]: ensure_author(item, collection) for item in newsroom["authors"]}
        load_demo_sources(sections)
    stories = newsroom["stories"]
    added = 0
    # Oldest first, so the page tree lists stories in publication order.
    for number, story in enumerate(sorted(stories, key=lambda s: -s["minutes_ago"]), 1):
        section = sections[story["section"]]
        if ArticlePage.objects.child_of(section).filter(slug=story["slug"]).exists():
            continue
        with transaction.atomic():
            add_story(section, story, authors, collection, now)
        added += 1
        if number % 10 == 0:
            echo(f"  {number}/{len(stories)} demo stories")
    return added


def load_demo_sources(sections):
    """Point the wire desk at the demo outlets the site serves itself; adds nothing twice.

    Only where the outlets are on (NEWSDESK_DEMO_OUTLETS): elsewhere
    /demo-outlets/ answers 404, and a source for it would only ever fail.
    """
    if not conf.get("NEWSDESK_DEMO_OUTLETS"):
        return
    for data in demo_sources(settings.WAGTAILADMIN_BASE_URL):
        Source.objects.get_or_create(
            url=data["url"],
            defaults={
                "name": data["name"],
                "kind": data["kind"],
                "section": sections.get(data["section_slug"]),
                "poll_interval": timedelta(minutes=data["poll_minutes"]),
            },
        )


def repoint_demo_sources():
    """Keep the demo's sources in step with the site; `newsdesk setup` runs this every time.

    With the outlets on, the sources follow the address the site runs on
    now (a new port, say), and a demo site set up while they were off gets
    its sources. With them off, the sources are paused with a note saying
    why, rather than polling a 404; turning the outlets on resumes them.
    """
    sources = [source for source in Source.objects.filter(url__contains="/demo-outlets/") if is_demo_source(source)]
    if not conf.get("NEWSDESK_DEMO_OUTLETS"):
        for source in sources:
            if source.enabled:
                source.enabled = False
                source.last_error = OUTLETS_OFF_NOTE
                source.save(update_fields=["enabled", "last_error"])
        return
    base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    for source in sources:
        url = urlsplit(source.url)
        paused_here = not source.enabled and source.last_error == OUTLETS_OFF_NOTE
        if (url.scheme, url.netloc) != (base.scheme, base.netloc) or paused_here:
            source.url = urlunsplit((base.scheme, base.netloc, url.path, url.query, ""))
            source.enabled = source.enabled or paused_here
            source.consecutive_failures = 0
            source.last_error = ""
            source.next_poll_at = timezone.now()
            source.save()
    if Collection.objects.filter(name=DEMO_COLLECTION).exists():
        newsroom = read_newsroom()
        slugs = [section["slug"] for section in newsroom["sections"]]
        load_demo_sources({section.slug: section for section in SectionPage.objects.filter(slug__in=slugs)})


def is_demo_source(source):
    """A source for one of the demo outlets' feeds, on whatever address."""
    demo_paths = {urlsplit(data["url"]).path for data in demo_sources("")}
    return urlsplit(source.url).path in demo_paths


def apply_site_settings(site_data, home):
    site = Site.objects.get(root_page=home)
    site.site_name = site_data["name"]
    site.save()
    newsroom_settings = NewsroomSettings.for_site(site)
    newsroom_settings.site_name = site_data["name"]
    newsroom_settings.tagline = site_data.get("tagline", "")
    newsroom_settings.copyright_holder = site_data.get("copyright_holder", "")
    newsroom_settings.copyright_start_year = site_data.get("copyright_start_year")
    newsroom_settings.share_call_to_action = site_data.get(
        "share_call_to_action", newsroom_settings.share_call_to_action
    )
    newsroom_settings.save()


def demo_collection():
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=DEMO_COLLECTION).first()
    return existing or root.add_child(name=DEMO_COLLECTION)


def ensure_section(home, data):
    section = SectionPage.objects.child_of(home).filter(slug=data["slug"]).first()
    if section is None:
        section = home.add_child(
            instance=SectionPage(title=data["name"], slug=data["slug"], description=data["description"])
        )
        section.save_revision().publish()
    return section


def ensure_author(data, collection):
    author = Author.objects.filter(slug=data["slug"]).first()
    if author is not None:
        return author
    photo = save_image(f"{data['name']}", f"author-{data['slug']}.png", images.portrait(data["name"]), collection)
    author = Author(name=data["name"], slug=data["slug"], bio=data.get("bio", ""), photo=photo)
    author.links = [AuthorLink(label=link["label"], url=link["url"]) for link in data.get("links", [])]
    author.save()
    return author


def save_image(title, filename, content, collection):
    image_model = get_image_model()
    image = image_model(title=title, collection=collection)
    image.file = ImageFile(_named_bytes(content, filename), name=filename)
    image.save()
    return image


def _named_bytes(content, filename):
    handle = io.BytesIO(content)
    handle.name = filename
    return handle


def body_blocks(blocks):
    stream = []
    for block in blocks:
        if block["type"] == "paragraph":
            stream.append(("paragraph", RichText(f"<p>{escape(block['text'])}</p>")))
        elif block["type"] == "heading":
            stream.append(("heading", block["text"]))
        elif block["type"] == "quote":
            stream.append(("quote", {"quote": block["text"], "attribution": block.get("attribution", "")}))
    return stream


def add_story(section, story, authors, collection, now):
    published = now - timedelta(minutes=story["minutes_ago"])
    image_data = story.get("image") or {}
    lead = save_image(
        story["headline"],
        f"{story['slug']}.jpg",
        images.lead_image(story["slug"], story["section"]),
        collection,
    )
    article = ArticlePage(
        title=story["headline"],
        slug=story["slug"],
        standfirst=story.get("standfirst", ""),
        search_description=story.get("standfirst", ""),
        lead_image=lead,
        lead_image_caption=image_data.get("caption", ""),
        lead_image_credit=image_data.get("credit", ""),
        body=body_blocks(story["body"]),
        source_name=(story.get("source") or {}).get("name", ""),
        source_url=(story.get("source") or {}).get("url", ""),
    )
    article.article_authors = [ArticleAuthor(author=authors[slug]) for slug in story["authors"]]
    correction = story.get("correction")
    if correction:
        article.corrections = [
            Correction(
                corrected_at=published + timedelta(minutes=correction["minutes_after_publication"]),
                note=correction["note"],
            )
        ]
    section.add_child(instance=article)
    article.tags.add(*story.get("tags", []))
    article.save()
    revision = article.save_revision()
    revision.publish()
    # Publishing stamps "now"; the demo wants its stories spread over days.
    updated = published
    if correction:
        updated = published + timedelta(minutes=correction["minutes_after_publication"])
    ArticlePage.objects.filter(pk=article.pk).update(
        first_published_at=published, last_published_at=updated, latest_revision_created_at=updated
    )
    revision.__class__.objects.filter(pk=revision.pk).update(created_at=updated)
    return article
