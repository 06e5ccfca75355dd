"""Parsing: a fetched feed (RSS, RDF, Atom or JSON Feed) into plain items the wire desk can store.

RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom 0.3/1.0 go through feedparser; JSON Feed
1.0/1.1 has a small parser of its own here. Every format comes out as the same
``ParsedFeed`` of ``FeedItem``s, with absolute canonical URLs and aware UTC
datetimes, so the stages after this one never look at the source format.

The HTML in ``summary_html`` and ``content_html`` is exactly what the feed gave
(relative links resolved for the XML formats): untrusted, so it must go
through ``newsdesk.wire.sanitising`` before it is shown to anyone.

XML feeds are decoded here, not by feedparser (see ``decode_xml``), and a feed
that declares XML entities is refused before any parser expands one: a few
kilobytes of nested or repeated entities would otherwise become gigabytes of
text (the "billion laughs"), and external ones would read other files.

Pure Python: nothing here imports Django.
"""

from __future__ import annotations

import calendar
import codecs
import html
import io
import json
import math
import re
import time
import xml.parsers.expat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

import feedparser

from newsdesk.outbound.headers import split_content_type

from .sanitising import parse_fragment

__all__ = ["TRACKING_PARAMETERS", "FeedItem", "ParseError", "ParsedFeed", "canonical_url", "decode_xml", "parse_feed"]

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

# Byte-order marks, longest first (UTF-32 LE starts like UTF-16 LE).
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# A document without a mark starts with "<" (XML 1.0, appendix F): these
# openings give its width and byte order.
UNMARKED_OPENINGS = (
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
)
XML_DECLARATION = re.compile(r"^\s*<\?xml\b[^>]*?\?>")
DECLARED_ENCODING = re.compile(r"""\bencoding\s*=\s*["']\s*([A-Za-z0-9._:-]+)""")
# Charsets with one byte a character. A document declared in one of them whose
# bytes are valid UTF-8 with characters beyond ASCII is UTF-8 mislabelled: in
# windows-1252, "€" in UTF-8 would read "â‚¬", which no outlet writes.
SINGLE_BYTE_PREFIXES = ("cp125", "iso8859_", "ascii", "koi8_", "mac_", "cp437", "cp850", "cp852", "cp866", "tis_620")
# A character beyond ASCII written in UTF-8: a lead byte and its continuation bytes.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# Browsers (WHATWG Encoding) read these as windows-1252, and so do the feeds that declare them:
# their curly quotes sit at bytes 0x80-0x9F, which ISO-8859-1 leaves to control codes.
WINDOWS_1252_ALIASES = frozenset({"iso8859_1", "ascii"})
# The entity check hands expat the document in pieces this large and stops
# at the first element: it costs the prolog, not the whole feed.
PROLOG_CHUNK = 64 * 1024


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
    # One reason per item left out (no link, no id): the poll log counts them.
    skipped: list[str] = field(default_factory=list)
    # Items past ``max_items``, counted but never turned into FeedItems.
    unread: int = 0


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
    if port and port.isascii() and port.isdigit() and int(port) == DEFAULT_PORTS[scheme]:
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
    content: bytes,
    url: str,
    content_type: str | None = None,
    encoding: str | None = None,
    max_items: int | None = None,
) -> ParsedFeed:
    """Parse ``content`` fetched from ``url`` into a ``ParsedFeed``.

    ``content_type`` is the response's Content-Type (a charset parameter in it
    is honoured); ``encoding`` is the charset from that header when the caller
    keeps it apart, as ``FetchResult.encoding`` does. Without either, the
    encoding the feed declares in its XML prolog is used; see ``decode_xml``
    for when the bytes overrule a declaration.
    ``max_items`` stops reading items once that many are read: the rest are
    only counted (``ParsedFeed.unread``), so a feed of 100,000 items costs no
    more than its first few hundred after the XML parser is done with it.
    Raises ``ParseError`` for anything that is not a readable feed, and for
    feeds that declare XML entities.
    """
    media_type, header_charset = split_content_type(content_type)
    encoding = encoding or header_charset
    if not content or not content.strip():
        raise ParseError("Empty response: expected a feed, got no content")
    if _looks_like_json(content, media_type):
        return _parse_json_feed(content, url, encoding, max_items)
    content = decode_xml(content, encoding).encode("utf-8")
    # A feed served as text/html by a careless server is still a feed; an HTML
    # page never has one of the feed roots near its start.
    looks_like_html = media_type in ("text/html", "application/xhtml+xml") or HTML_START.match(content)
    if looks_like_html and not FEED_ROOT.search(content[:4096]):
        raise ParseError("Expected a feed, got an HTML page")
    _refuse_entity_declarations(content)
    return _parse_xml_feed(content, url, media_type, max_items)


def _looks_like_json(content: bytes, media_type: str | None) -> bool:
    if media_type in JSON_CONTENT_TYPES:
        return True
    return content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"["))


# --- decoding ----------------------------------------------------------------


def decode_xml(content: bytes, declared: str | None = None) -> str:
    """An XML document's text, its XML declaration (if any) now saying UTF-8.

    The encoding is, in order: a byte-order mark; the width and byte order
    of an unmarked UTF-16 or UTF-32 opening ``<?``; ``declared`` (the HTTP
    charset); the XML declaration's; else UTF-8. A declared UTF-8 that the
    bytes are not loses to another encoding the XML declaration names, or to
    windows-1252 when no character at all is written in UTF-8. A declared
    single-byte charset (windows-1252, ISO-8859-*, ASCII…) loses to bytes
    that are valid UTF-8 and hold characters beyond ASCII. Otherwise bytes
    the chosen encoding cannot read become U+FFFD: a feed that lies about
    its encoding is read, not refused.
    """
    encoding, start = _sniffed_encoding(content)
    if encoding is None:
        opening = content[:1024].decode("ascii", errors="replace")
        declaration = XML_DECLARATION.match(opening)
        named = DECLARED_ENCODING.search(declaration.group(0)) if declaration else None
        in_prolog = _codec(named.group(1) if named else None)
        encoding = _codec(declared) or in_prolog or "utf_8"
        if encoding == "utf_8" and not _is_utf8(content):
            if in_prolog and in_prolog != encoding:
                # A server's default "charset=utf-8" over a document that says otherwise, and is right.
                encoding = in_prolog
            elif not UTF8_SEQUENCE.search(content):
                # Not one character beyond ASCII is written in UTF-8: the whole
                # document is in a single-byte charset, and windows-1252 is the
                # one such feeds use (as browsers assume).
                encoding = "cp1252"
        if encoding.startswith(("utf_16", "utf_32")):
            encoding = "utf_8"  # a document that declares it in ASCII bytes is not in UTF-16
        if _is_single_byte(encoding) and not content.isascii() and _is_utf8(content):
            encoding = "utf_8"
        elif encoding in WINDOWS_1252_ALIASES:
            encoding = "cp1252"
    text = content[start:].decode(encoding, errors="replace")
    return XML_DECLARATION.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)


def _sniffed_encoding(content: bytes) -> tuple[str | None, int]:
    """The encoding a byte-order mark or an unmarked wide opening gives, and where the text starts."""
    for mark, encoding in BYTE_ORDER_MARKS:
        if content.startswith(mark):
            return encoding, len(mark)
    for opening, encoding in UNMARKED_OPENINGS:
        if content.startswith(opening):
            return encoding, 0
    return None, 0


def _codec(label: str | None) -> str | None:
    """Python's name for a charset label, or None for a label it does not know."""
    if not label:
        return None
    try:
        return codecs.lookup(label.strip()).name.replace("-", "_")
    except (LookupError, ValueError):
        return None


def _is_single_byte(codec: str) -> bool:
    return codec.startswith(SINGLE_BYTE_PREFIXES)


def _is_utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --- entities ------------------------------------------------------------------


class _PrologRead(Exception):
    """The first element has begun: the prolog, where entities are declared, is behind us."""


class _EntityDeclared(Exception):
    """The document declares an entity."""


def _refuse_entity_declarations(content: bytes) -> None:
    """Raise ParseError when the document (UTF-8 by now) declares any entity, internal or external.

    Entities are declared only in the DOCTYPE, before the first element, so
    expat reads up to that element and no further. feedparser removes a
    DOCTYPE with a pattern of its own, which a comment can fool into keeping
    declarations, so the text before the first element is searched too; and
    when the prolog does not even parse, the whole document is.
    """
    parser = xml.parsers.expat.ParserCreate("utf-8")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def declared(*args):
        raise _EntityDeclared

    def started(*args):
        raise _PrologRead

    parser.EntityDeclHandler = declared
    parser.UnparsedEntityDeclHandler = declared
    parser.StartElementHandler = started
    prolog_end = len(content)
    try:
        for offset in range(0, len(content), PROLOG_CHUNK):
            parser.Parse(content[offset : offset + PROLOG_CHUNK], False)
        parser.Parse(b"", True)
    except _EntityDeclared:
        prolog_end = -1
    except _PrologRead:
        prolog_end = parser.CurrentByteIndex + 1
    except xml.parsers.expat.ExpatError:
        pass  # no usable prolog: look through the whole document
    if prolog_end < 0 or b"<!entity" in content[:prolog_end].lower():
        raise ParseError("The feed declares XML entities, which newsdesk does not expand")


# --- RSS, RDF and Atom -------------------------------------------------------


def _parse_xml_feed(content: bytes, url: str, media_type: str | None, max_items: int | None) -> ParsedFeed:
    # decode_xml has made the document UTF-8, declaration and all.
    headers = {"content-location": url, "content-type": f"{media_type or 'application/xml'}; charset=utf-8"}
    # A file-like object, never bytes: given bytes that look like a path,
    # feedparser tries to open that file on our disk.
    try:
        parsed = feedparser.parse(
            io.BytesIO(content), response_headers=headers, sanitize_html=False, resolve_relative_uris=True
        )
    except Exception as error:  # noqa: BLE001 - see below
        # feedparser's lenient parser has its own bugs on hostile input (a
        # character reference beyond U+10FFFF raises ValueError from chr()):
        # whatever it raises, the feed is one we cannot read.
        raise ParseError(f"Malformed feed that could not be read: {_bozo_reason(error)}") from None
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
    items, skipped, unread = [], [], 0
    for index, entry in enumerate(parsed.entries):
        if max_items is not None and len(items) >= max_items:
            unread = len(parsed.entries) - index
            break
        item = _item_from_entry(entry, base=feed_link or url)
        if item is None:
            skipped.append(f"Item {index + 1} has neither a link nor a permalink GUID that is a web address")
        else:
            items.append(item)
    return ParsedFeed(
        title=_text(parsed.feed.get("title_detail")) or _collapse(parsed.feed.get("title", "")),
        link=feed_link,
        kind=FEEDPARSER_KINDS.get(parsed.version, "rss"),
        items=items,
        warnings=warnings,
        skipped=skipped,
        unread=unread,
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
    link = _web_url(base, link) if isinstance(link, str) else None
    if not link:
        return None
    url = canonical_url(link)
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
        value = parse_fragment(value).text_content()
    return _collapse(value)


def _html(detail) -> str:
    if not detail or not detail.get("value"):
        return ""
    if detail.get("type") == "text/plain":
        return _paragraphs(detail["value"])
    return _clean(detail["value"]).strip()


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
    return next((web for url in candidates if isinstance(url, str) and (web := _web_url(base, url))), None)


def _has_image_extension(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(IMAGE_EXTENSIONS)


def _datetime(value) -> datetime | None:
    if not value:
        return None
    try:
        if isinstance(value, time.struct_time):
            # feedparser has already converted to UTC; timegm reads it as such.
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
        if not isinstance(value, str):
            return None
        parsed = datetime.fromisoformat(value.strip())
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError, OSError):
        return None  # not a date, or one outside what a datetime holds (year 0, year 10000)


# Deeper nesting than this in an entry is junk, not news; it is cut off in
# what is stored so that copying it cannot exhaust the stack.
RAW_MAX_DEPTH = 20


def _jsonable(value, depth: int = 0):
    """The entry as plain JSON types, for storage next to the item."""
    if isinstance(value, time.struct_time):
        moment = _datetime(value)
        return moment.isoformat() if moment else None
    if depth >= RAW_MAX_DEPTH and isinstance(value, (dict, list, tuple)):
        return None
    if isinstance(value, dict):
        return {_clean(str(key)): _jsonable(item, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item, depth + 1) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None  # NaN and infinities are not JSON
    if value is None or isinstance(value, (int, float, bool)):
        return value
    return _clean(str(value))


# --- JSON Feed ---------------------------------------------------------------


def _parse_json_feed(content: bytes, url: str, encoding: str | None, max_items: int | None) -> ParsedFeed:
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
    except RecursionError:
        raise ParseError("Invalid JSON Feed: nested too deeply") from None
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
    items, skipped, unread = [], [], 0
    for index, entry in enumerate(entries):
        if max_items is not None and len(items) >= max_items:
            unread = len(entries) - index
            break
        if not isinstance(entry, dict):
            skipped.append(f"Item {index + 1} is not a JSON object")
            continue
        item = _item_from_json(entry, base=url, feed_authors=feed_authors)
        if item is None:
            skipped.append(f"Item {index + 1} has neither a URL nor an id that is one")
        else:
            items.append(item)
    return ParsedFeed(
        title=_collapse(_json_str(document.get("title"))),
        link=feed_link,
        kind="json",
        items=items,
        warnings=warnings,
        skipped=skipped,
        unread=unread,
    )


def _item_from_json(entry: dict, base: str, feed_authors: list[str]) -> FeedItem | None:
    guid = _json_str(entry.get("id")).strip() or None
    link = _json_url(entry.get("url"), base) or _json_url(entry.get("external_url"), base)
    if link is None and guid and guid.lower().startswith(("http://", "https://")):
        link = _web_url(base, guid)
    if link is None:
        return None
    content_html = _json_str(entry.get("content_html")).strip() or None
    content_text = _json_str(entry.get("content_text"))
    if content_html is None and content_text.strip():
        content_html = _paragraphs(content_text)
    summary = _json_str(entry.get("summary")).strip()
    image = _json_url(entry.get("image"), base) or _json_url(entry.get("banner_image"), base)
    attachments = entry.get("attachments")
    if image is None and isinstance(attachments, list):
        for attachment in attachments:
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
    """A string field's value; numbers as text; anything else (lists, objects, null) as ""."""
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # ids given as numbers, against the spec but common
    if isinstance(value, float) and math.isfinite(value):
        return str(value)
    return ""


def _json_url(value, base: str) -> str | None:
    value = _json_str(value).strip()
    return _web_url(base, value) if value else None


# --- shared helpers ----------------------------------------------------------


def _absolute(link: str | None, base: str) -> str | None:
    link = _web_url(base, link) if isinstance(link, str) else None
    return canonical_url(link) if link else None


def _web_url(base: str, link: str) -> str | None:
    """link resolved against base when that gives an http or https address with a host, else None.

    Everything the desk stores as a story's or a picture's address is shown
    as a link or loaded by browsers: a javascript: or data: one must never
    get that far, nor one that cannot be parsed (an unclosed IPv6 bracket).
    """
    try:
        joined = urljoin(base, link.strip())
        parts = urlsplit(joined)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    return joined if parts.scheme.lower() in DEFAULT_PORTS and parts.hostname else None


def _paragraphs(text: str) -> str:
    """Plain text as HTML paragraphs, one per blank-line-separated block."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", _clean(text).strip()) if block.strip()]
    return "".join(f"<p>{html.escape(block)}</p>" for block in blocks)


def _collapse(text: str) -> str:
    return " ".join(_clean(text).split())


def _clean(text: str) -> str:
    """Text without NUL characters and lone surrogates, which no database column can store."""
    if text.isascii() and "\x00" not in text:
        return text
    return text.replace("\x00", "").encode("utf-8", errors="replace").decode("utf-8")


def _unique(values) -> list[str]:
    seen = []
    for value in values:
        value = _collapse(value or "")
        if value and value not in seen:
            seen.append(value)
    return seen
