"""The three feed formats: RSS 2.0 and Atom 1.0 through Django's feedgenerator, and JSON Feed 1.1."""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import feedgenerator
from django.utils.html import escape

DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"
CONTENT_MODULE = "http://purl.org/rss/1.0/modules/content/"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


class NewsRssFeed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with one dc:creator per author and the full text in content:encoded."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DUBLIN_CORE, "xmlns:content": CONTENT_MODULE}

    def latest_post_date(self):
        return self.feed["updated"]

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        # RSS's own <author> must be an e-mail address, which we do not
        # publish; Dublin Core's creator takes a name and may repeat.
        for author in item["authors"]:
            handler.addQuickElement("dc:creator", author.name)
        if item["content_html"] is not None:
            handler.addQuickElement("content:encoded", item["content_html"])


class NewsAtomFeed(feedgenerator.Atom1Feed):
    """Atom 1.0 with every author of an entry and the full text in <content>."""

    def latest_post_date(self):
        return self.feed["updated"]

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for author in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", author.name)
            handler.addQuickElement("uri", author.url)
            handler.endElement("author")
        if item["content_html"] is not None:
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


def render_xml(generator_class, feed):
    generator = generator_class(
        title=feed.title,
        link=feed.link,
        description=feed.description,
        subtitle=feed.description,
        language=feed.language,
        feed_url=feed.self_url,
        feed_guid=feed.id,
        feed_copyright=feed.copyright,
        # Only Atom writes a feed-level author: the newsroom, for any entry
        # that has none of its own (an Atom entry needs one, from either).
        author_name=feed.site_name,
        author_link=feed.home_url,
        updated=feed.updated,
    )
    for entry in feed.entries:
        generator.add_item(
            title=entry.title,
            link=entry.url,
            # Both formats carry the summary as HTML; the standfirst is plain
            # text, so it is escaped once here and unescaped by the reader.
            description=escape(entry.summary),
            pubdate=entry.published,
            updateddate=entry.updated,
            unique_id=entry.id,
            unique_id_is_permalink=False,
            categories=entry.categories,
            enclosures=[feedgenerator.Enclosure(entry.image.url, str(entry.image.length), entry.image.mime_type)]
            if entry.image
            else None,
            authors=entry.authors,
            content_html=entry.content_html,
        )
    return generator.writeString("utf-8").encode("utf-8")


def render_rss(feed):
    return render_xml(NewsRssFeed, feed)


def render_atom(feed):
    return render_xml(NewsAtomFeed, feed)


def render_json(feed):
    document = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.link,
        "feed_url": feed.self_url,
        "description": feed.description,
        "language": feed.language,
        "authors": [{"name": feed.site_name, "url": feed.home_url}],
        "items": [json_item(entry) for entry in feed.entries],
    }
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def json_item(entry):
    item = {
        "id": entry.id,
        "url": entry.url,
        "title": entry.title,
        "summary": entry.summary,
        "date_published": entry.published.isoformat(),
        "date_modified": entry.updated.isoformat(),
        "authors": [{"name": author.name, "url": author.url} for author in entry.authors],
        "tags": entry.categories,
    }
    if entry.content_html is not None:
        item["content_html"] = entry.content_html
    else:
        item["content_text"] = entry.summary
    if entry.image:
        item["image"] = entry.image.url
    if entry.source_url:
        # JSON Feed's place for "the story this one is about, elsewhere".
        item["external_url"] = entry.source_url
    return item


@dataclass(frozen=True)
class Format:
    label: str
    media_type: str
    render: Callable

    @property
    def content_type(self):
        return f"{self.media_type}; charset=utf-8"


# Keyed by the file name that ends each feed URL.
FORMATS = {
    "rss.xml": Format("RSS", "application/rss+xml", render_rss),
    "atom.xml": Format("Atom", "application/atom+xml", render_atom),
    "feed.json": Format("JSON Feed", "application/feed+json", render_json),
}
