"""Parsing: a fetched feed (RSS, RDF, Atom or JSON Feed) into plain items the wire desk can store.

RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom 0.3/1.0 go through feedparser; JSON Feed
1.0/1.1 has a small parser of its own here. Every format comes out as the same
``ParsedFeed`` of ``FeedItem``s, with absolute canonical URLs and aware UTC
datetimes, so the stages after this one never look at the source format.

The HTML in ``summary_html`` and ``content_html`` is exactly what the feed gave
(relative links resolved for the XML formats): untrusted, so it must go
through ``newsdesk.wire.sanitising`` before it is shown to anyone.

Pure Python: nothing here imports Django.
"""

from __future__ import annotations

import calendar
import html
import io
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

import feedparser
import lxml.html
from lxml import etree

from .fetching import split_content_type

__all__ = ["TRACKING_PARAMETERS", "FeedItem", "ParseError", "ParsedFeed", "canonical_url", "parse_feed"]

# Query parameters that only say where a click came from. Removing them makes
# the same story reached from a newsletter, a social post and the feed one URL.
# The list is deliberately short: every name here is one a story URL never needs
# to find the story. ``utm_*`` is matched as a prefix; the rest exactly, without
# regard to case.
TRACKING_PARAMETERS = frozenset({
    "fbclid",     # Facebook
    "gclid",      # Google Ads
    "gclsrc",     # Google Ads
    "dclid",      # Google Display
    "gbraid",     # Google Ads (iOS)
    "wbraid",     # Google Ads (iOS)
    "msclkid",    # Microsoft Ads
    "yclid",      # Yandex
    "twclid",     # X / Twitter
    "igshid",     # Instagram
    "mc_cid",     # Mailchimp campaign
    "mc_eid",     # Mailchimp subscriber
    "_hsenc",     # HubSpot
    "_hsmi",      # HubSpot
    "mkt_tok",    # Marketo
    "cmpid",      # campaign id used by many publishers
    "ref",        # "ref=twitter", "ref=homepage"
    "ref_src",    # X / Twitter embeds
    "spm",        # Alibaba / Taobao
})
TRACKING_PREFIXES = ("utm_",)

DEFAULT_PORTS = {"http": 80, "https": 443}

# feedparser's version strings, grouped into the four kinds we report. RSS 0.90
# and RSS 1.0 are both RDF documents.
FEEDPARSER_KINDS = {
    "rss090": "rdf",
    "rss10": "rdf",
    "atom01": "atom",
    "atom02": "atom",
    "atom03": "atom",
    "atom10": "atom",
    "atom": "atom",
}

JSON_CONTENT_TYPES = {"application/feed+json", "application/json"}
JSON_FEED_VERSION_PREFIX = "https://jsonfeed.org/version/"

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")

# The opening of an HTML document, after a BOM, whitespace, an XML prolog and
# comments: enough to tell an error page or a home page from a feed without
# parsing it.
HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])",
    re.IGNORECASE | re.DOTALL,
)


FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]")


class ParseError(Exception):
    """The content is not a feed we can read; ``str(error)`` says why, for the editors."""


@dataclass
class FeedItem:
    """One story in a feed, whatever the feed's format."""

    guid: str | None
    url: str
    title: str
    summary_html: str = ""
    content_html: str | None = None
    author: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    image: str | None = None
    tags: list[str] = field(default_factory=list)
    raw: dict = field(default_factory=dict)

    @property
    def identity(self) -> str:
        """What makes two sightings of an item the same item, within one source.

        The feed's GUID when it has one: a GUID survives the outlet changing the
        story's URL (a new slug after a headline edit, a move to https). Without
        one, the canonical URL: tracking parameters are already gone from it, so
        the same story linked from a newsletter does not come in twice.
        """
        return self.guid or self.url


@dataclass
class ParsedFeed:
    """A feed's own details and its items, newest first as the feed lists them."""

    title: str
    link: str | None
    kind: str  # "rss", "atom", "rdf" or "json"
    items: list[FeedItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def canonical_url(url: str) -> str:
    """The form of ``url`` under which the wire desk stores and compares stories.

    Lower-case scheme and host, no default port, no fragment, no tracking
    parameters (see ``TRACKING_PARAMETERS``), other parameters kept as written
    and in their order, and "/" for an empty path.
    """
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return url
    netloc = parts.netloc
    userinfo, _, hostport = netloc.rpartition("@")
    host, port = hostport, ""
    if hostport.startswith("["):  # IPv6 literal
        end = hostport.find("]")
        host, port = hostport[: end + 1], hostport[end + 2 :]
    elif ":" in hostport:
        host, _, port = hostport.partition(":")
    host = host.lower().rstrip(".")
    if port and port.isdigit() and int(port) == DEFAULT_PORTS[scheme]:
        port = ""
    netloc = (userinfo + "@" if userinfo else "") + host + (":" + port if port else "")
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not _is_tracking_parameter(pair)
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def _is_tracking_parameter(pair: str) -> bool:
    name = unquote_plus(pair.partition("=")[0]).lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def parse_feed(
    content: bytes, url: str, content_type: str | None = None, encoding: str | None = None
) -> ParsedFeed:
    """Parse ``content`` fetched from ``url`` into a ``ParsedFeed``.

    ``content_type`` is the response's Content-Type (a charset parameter in it
    is honoured); ``encoding`` is the charset from that header when the caller
    keeps it apart, as ``FetchResult.encoding`` does. Without either, the
    encoding the feed declares in its XML prolog is used.
    Raises ``ParseError`` for anything that is not a readable feed.
    """
    media_type, header_charset = split_content_type(content_type)
    encoding = encoding or header_charset
    if not content or not content.strip():
        raise ParseError("Empty response: expected a feed, got no content")
    if _looks_like_json(content, media_type):
        return _parse_json_feed(content, url, encoding)
    # A feed served as text/html by a careless server is still a feed; an HTML
    # page never has one of the feed roots near its start.
    looks_like_html = media_type in ("text/html", "application/xhtml+xml") or HTML_START.match(content)
    if looks_like_html and not FEED_ROOT.search(content[:4096]):
        raise ParseError("Expected a feed, got an HTML page")
    return _parse_xml_feed(content, url, media_type, encoding)


def _looks_like_json(content: bytes, media_type: str | None) -> bool:
    if media_type in JSON_CONTENT_TYPES:
        return True
    return content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"["))


# --- RSS, RDF and Atom -------------------------------------------------------


def _parse_xml_feed(content: bytes, url: str, media_type: str | None, encoding: str | None) -> ParsedFeed:
    headers = {"content-location": url}
    if media_type or encoding:
        headers["content-type"] = (media_type or "application/xml") + (f"; charset={encoding}" if encoding else "")
    # A file-like object, never bytes: given bytes that look like a path,
    # feedparser tries to open that file on our disk.
    parsed = feedparser.parse(
        io.BytesIO(content), response_headers=headers, sanitize_html=False, resolve_relative_uris=True
    )
    warnings = []
    # NonXMLContentType only says the server's Content-Type was not an XML
    # one, which is common and harmless when the body is a good feed.
    if parsed.bozo and not isinstance(parsed.bozo_exception, feedparser.NonXMLContentType):
        reason = _bozo_reason(parsed.bozo_exception)
        if not parsed.entries:
            if parsed.version:
                raise ParseError(f"Malformed feed with no readable items: {reason}")
            raise ParseError(f"Expected a feed, got content that is not XML: {_opening(content)}")
        warnings.append(f"Malformed feed, read leniently: {reason}")
    if not parsed.version:
        raise ParseError("Expected a feed, got an XML document that is not RSS, RDF or Atom")
    feed_link = _absolute(parsed.feed.get("link"), url)
    items = []
    for index, entry in enumerate(parsed.entries):
        item = _item_from_entry(entry, base=feed_link or url)
        if item is None:
            warnings.append(f"Skipped item {index + 1}: it has neither a link nor a permalink GUID")
        else:
            items.append(item)
    return ParsedFeed(
        title=_text(parsed.feed.get("title_detail")) or parsed.feed.get("title", ""),
        link=feed_link,
        kind=FEEDPARSER_KINDS.get(parsed.version, "rss"),
        items=items,
        warnings=warnings,
    )


def _opening(content: bytes) -> str:
    """The start of a body, quoted, for messages about what we got instead of a feed."""
    text = " ".join(content[:200].decode("utf-8", errors="replace").split())
    return f'"{text[:60]}…"' if len(text) > 60 else f'"{text}"'


def _bozo_reason(error: Exception) -> str:
    message = getattr(error, "getMessage", None)
    if message is not None:
        # SAXParseException: say where, so an editor can report it to the outlet.
        return f"{message()} at line {error.getLineNumber()}, column {error.getColumnNumber()}"
    return str(error) or error.__class__.__name__


def _item_from_entry(entry, base: str) -> FeedItem | None:
    link = entry.get("link") or next(
        (link.get("href") for link in entry.get("links", []) if link.get("rel") == "alternate"), None
    )
    if not link:
        return None
    url = canonical_url(urljoin(base, link))
    guid = (entry.get("id") or "").strip() or None
    # dict.get, not entry.get: feedparser's own get() answers "updated_parsed"
    # with the publication date when the feed gave no update date.
    updated = _datetime(dict.get(entry, "updated_parsed"))
    published = _datetime(dict.get(entry, "published_parsed")) or updated
    return FeedItem(
        guid=guid,
        url=url,
        title=_text(entry.get("title_detail")) or _collapse(entry.get("title", "")),
        summary_html=_html(entry.get("summary_detail")),
        content_html=_content_html(entry.get("content")),
        author=_author(entry),
        published=published,
        # Atom requires <updated> even on a story never changed; only a later
        # date means the story was updated.
        updated=updated if updated and published and updated > published else None,
        image=_entry_image(entry, url),
        tags=_unique(tag.get("label") or tag.get("term") for tag in entry.get("tags", []) or []),
        raw=_jsonable(entry),
    )


def _text(detail) -> str:
    """A title as plain text, whether the feed marked it up or not."""
    if not detail or not detail.get("value"):
        return ""
    value = detail["value"]
    if detail.get("type") in ("text/html", "application/xhtml+xml") and value.strip():
        try:
            value = lxml.html.fragment_fromstring(value, create_parent="div").text_content()
        except etree.ParserError:
            pass  # not markup after all; keep the text as given
    return _collapse(value)


def _html(detail) -> str:
    if not detail or not detail.get("value"):
        return ""
    if detail.get("type") == "text/plain":
        return _paragraphs(detail["value"])
    return detail["value"].strip()


def _content_html(contents) -> str | None:
    for content in contents or []:
        if content.get("value"):
            return _html(content)
    return None


def _author(entry) -> str | None:
    names = _unique(author.get("name") for author in entry.get("authors", []) or [])
    if not names and entry.get("author"):
        names = [_collapse(entry["author"])]
    return ", ".join(names) or None


def _entry_image(entry, base: str) -> str | None:
    candidates = []
    for media in entry.get("media_content", []) or []:
        medium, mime = media.get("medium", ""), media.get("type", "")
        if medium == "image" or mime.startswith("image/") or (
            not medium and not mime and _has_image_extension(media.get("url", ""))
        ):
            candidates.append(media.get("url"))
    candidates += [thumbnail.get("url") for thumbnail in entry.get("media_thumbnail", []) or []]
    candidates += [
        enclosure.get("href")
        for enclosure in entry.get("enclosures", []) or []
        if (enclosure.get("type") or "").startswith("image/")
    ]
    return next((urljoin(base, url.strip()) for url in candidates if url and url.strip()), None)


def _has_image_extension(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(IMAGE_EXTENSIONS)


def _datetime(value) -> datetime | None:
    if not value:
        return None
    if isinstance(value, time.struct_time):
        # feedparser has already converted to UTC; timegm reads it as such.
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    try:
        parsed = datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _jsonable(value):
    """The entry as plain JSON types, for storage next to the item."""
    if isinstance(value, time.struct_time):
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC).isoformat()
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# --- JSON Feed ---------------------------------------------------------------


def _parse_json_feed(content: bytes, url: str, encoding: str | None) -> ParsedFeed:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # JSON must be UTF-8 (RFC 8259); a declared charset is the only other hope.
        try:
            text = content.decode(encoding or "utf-8", errors="strict")
        except (LookupError, UnicodeDecodeError) as error:
            raise ParseError(f"Invalid JSON Feed: not UTF-8 text ({error})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(
            f"Invalid JSON Feed: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    if not isinstance(document, dict):
        raise ParseError("Expected a feed, got JSON that is not a JSON Feed (not an object)")
    warnings = []
    version = document.get("version")
    if not (isinstance(version, str) and version.startswith(JSON_FEED_VERSION_PREFIX)):
        if not isinstance(document.get("items"), list):
            raise ParseError("Expected a feed, got JSON that is not a JSON Feed (no version, no items)")
        warnings.append("JSON Feed without a jsonfeed.org version; read as JSON Feed 1.1")
    entries = document.get("items")
    if not isinstance(entries, list):
        raise ParseError("Invalid JSON Feed: \"items\" is not a list")
    feed_link = _json_url(document.get("home_page_url"), url)
    feed_authors = _json_authors(document)
    items = []
    for index, entry in enumerate(entries):
        item = _item_from_json(entry, base=url, feed_authors=feed_authors) if isinstance(entry, dict) else None
        if item is None:
            warnings.append(f"Skipped item {index + 1}: it has no URL")
        else:
            items.append(item)
    return ParsedFeed(
        title=_collapse(_json_str(document.get("title"))),
        link=feed_link,
        kind="json",
        items=items,
        warnings=warnings,
    )


def _item_from_json(entry: dict, base: str, feed_authors: list[str]) -> FeedItem | None:
    guid = _json_str(entry.get("id")).strip() or None
    link = _json_url(entry.get("url"), base) or _json_url(entry.get("external_url"), base)
    if link is None and guid and urlsplit(guid).scheme in DEFAULT_PORTS:
        link = guid
    if link is None:
        return None
    content_html = _json_str(entry.get("content_html")).strip() or None
    if content_html is None and _json_str(entry.get("content_text")).strip():
        content_html = _paragraphs(entry["content_text"])
    summary = _json_str(entry.get("summary")).strip()
    image = _json_url(entry.get("image"), base) or _json_url(entry.get("banner_image"), base)
    if image is None:
        for attachment in entry.get("attachments") or []:
            if isinstance(attachment, dict) and _json_str(attachment.get("mime_type")).startswith("image/"):
                image = _json_url(attachment.get("url"), base)
                if image:
                    break
    published = _datetime(entry.get("date_published"))
    updated = _datetime(entry.get("date_modified"))
    tags = entry.get("tags") if isinstance(entry.get("tags"), list) else []
    return FeedItem(
        guid=guid,
        url=canonical_url(link),
        title=_collapse(_json_str(entry.get("title"))),
        summary_html=_paragraphs(summary) if summary else "",
        content_html=content_html,
        author=", ".join(_json_authors(entry) or feed_authors) or None,
        published=published or updated,
        updated=updated if updated and published and updated > published else None,
        image=image,
        tags=_unique(_json_str(tag) for tag in tags),
        raw=_jsonable(entry),
    )


def _json_authors(document: dict) -> list[str]:
    # JSON Feed 1.1 has "authors", a list; 1.0 had one "author" object.
    authors = document.get("authors")
    if not isinstance(authors, list):
        authors = [document.get("author")]
    return _unique(_json_str(author.get("name")) for author in authors if isinstance(author, dict))


def _json_str(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # ids given as numbers, against the spec but common
    return ""


def _json_url(value, base: str) -> str | None:
    value = _json_str(value).strip()
    if not value:
        return None
    absolute = urljoin(base, value)
    return absolute if urlsplit(absolute).scheme in DEFAULT_PORTS else None


# --- shared helpers ----------------------------------------------------------


def _absolute(link: str | None, base: str) -> str | None:
    return canonical_url(urljoin(base, link)) if link else None


def _paragraphs(text: str) -> str:
    """Plain text as HTML paragraphs, one per blank-line-separated block."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
    return "".join(f"<p>{html.escape(block)}</p>" for block in blocks)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _unique(values) -> list[str]:
    seen = []
    for value in values:
        value = _collapse(value or "")
        if value and value not in seen:
            seen.append(value)
    return seen
