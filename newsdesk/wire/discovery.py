"""Discovery: the feeds a web page advertises, and the story links on a page that has no feed.

``discover_feeds`` reads ``<link rel="alternate">`` elements, so an editor can
paste a site's home page instead of hunting for its feed URL.
``find_article_links`` is for "plain page" sources (a section front page with
no feed): it picks the links that look like stories and leaves navigation,
tag, author, login and share links behind.

Pure Python: nothing here imports Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from newsdesk.wire.parsing import canonical_url

__all__ = ["DiscoveredFeed", "discover_feeds", "find_article_links"]

FEED_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
}

# Path segments of pages that are not stories: lists, people, accounts,
# sharing and site furniture. A link with any of these segments is skipped.
NON_ARTICLE_SEGMENTS = frozenset({
    "tag", "tags", "topic", "topics", "category", "categories",
    "author", "authors", "profile", "people",
    "login", "log-in", "logout", "signin", "sign-in", "signup", "sign-up", "register", "account",
    "subscribe", "subscription", "newsletter", "newsletters",
    "share", "search", "page", "feed", "rss", "comments",
    "about", "contact", "privacy", "terms", "cookies", "advertise", "careers", "help",
    "wp-admin", "wp-login.php", "wp-json",
})
# First words of slugs that are site furniture, however long the slug is
# ("privacy-and-cookie-policy", "terms-and-conditions-of-use").
NON_ARTICLE_SLUG_STARTS = frozenset({
    "privacy", "cookie", "cookies", "terms", "contact", "about", "subscribe", "newsletter",
    "advertise", "careers", "help", "faq", "sitemap", "login", "register",
})
NON_PAGE_EXTENSIONS = (
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif", ".pdf", ".zip",
    ".mp3", ".mp4", ".xml", ".rss", ".atom", ".json", ".css", ".js",
)
PAGE_EXTENSION = re.compile(r"\.(?:s?html?|php|aspx?)$", re.IGNORECASE)

# A story slug is four or more words ("night-trains-return-to-the-coast"):
# section and utility pages rarely have more than three.
SLUG_MIN_WORDS = 4
DATE_IN_PATH = re.compile(
    r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2])(?:/(?:0?[1-9]|[12]\d|3[01]))?/"  # /2024/05/16/
    r"|(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"  # 2024-05-16
)
DATE_SEGMENT = re.compile(r"^\d{1,4}$")


@dataclass(frozen=True)
class DiscoveredFeed:
    url: str
    type: str  # the advertised MIME type, e.g. "application/rss+xml"
    title: str | None


def discover_feeds(html: bytes | str, base_url: str) -> list[DiscoveredFeed]:
    """The feeds ``html`` advertises with ``<link rel="alternate">``, absolute, in document order."""
    document = _parse(html)
    if document is None:
        return []
    base = _base(document, base_url)
    feeds, seen = [], set()
    for link in document.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        media_type = (link.get("type") or "").split(";")[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" not in rel or media_type not in FEED_TYPES or not href:
            continue
        url = urljoin(base, href)
        # WordPress advertises its REST API for every page as an "alternate"
        # application/json: that is not a feed.
        if urlsplit(url).scheme not in ("http", "https") or "/wp-json/" in urlsplit(url).path:
            continue
        if url not in seen:
            seen.add(url)
            feeds.append(DiscoveredFeed(url=url, type=media_type, title=_clean(link.get("title"))))
    return feeds


def find_article_links(html: bytes | str, base_url: str) -> list[str]:
    """Same-site links in ``html`` that look like stories: canonical, unique, in document order."""
    document = _parse(html)
    if document is None:
        return []
    base = _base(document, base_url)
    page = canonical_url(base_url)
    site = _site(base_url)
    links, seen = [], {page}
    for anchor in document.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or _in_navigation(anchor) or {"tag", "author"} & set((anchor.get("rel") or "").lower().split()):
            continue
        url = canonical_url(urljoin(base, href))
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or _site(url) != site or url in seen:
            continue
        if _looks_like_article(parts.path):
            seen.add(url)
            links.append(url)
    return links


def _looks_like_article(path: str) -> bool:
    lowered = path.lower()
    if lowered.endswith(NON_PAGE_EXTENSIONS):
        return False
    segments = [segment for segment in lowered.split("/") if segment]
    if not segments or NON_ARTICLE_SEGMENTS & set(segments):
        return False
    last = PAGE_EXTENSION.sub("", segments[-1])
    words = [word for word in re.split(r"[-_]+", last) if word]
    if words and words[0] in NON_ARTICLE_SLUG_STARTS:
        return False
    if len(words) >= SLUG_MIN_WORDS:
        return True
    # A date plus something after it (/2024/05/16/12345); a date alone is an
    # archive page.
    return bool(DATE_IN_PATH.search(lowered + "/")) and not DATE_SEGMENT.match(last)


def _in_navigation(element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag == "nav" or (ancestor.get("role") or "").lower() == "navigation":
            return True
    return False


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _parse(html: bytes | str):
    if isinstance(html, bytes) and not re.search(rb"charset", html[:4096], re.IGNORECASE):
        # Without a declared charset libxml2 assumes Latin-1; today's pages
        # that declare nothing are UTF-8 far more often.
        html = html.decode("utf-8", errors="replace")
    if not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except ValueError:
        # A str that still carries an XML encoding declaration: let lxml
        # read the bytes instead.
        return _parse_bytes(html.encode("utf-8"))
    except etree.ParserError:
        return None


def _parse_bytes(html: bytes):
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def _base(document, base_url: str) -> str:
    base = document.find(".//base[@href]")
    return urljoin(base_url, base.get("href").strip()) if base is not None else base_url


def _clean(text: str | None) -> str | None:
    text = " ".join((text or "").split())
    return text or None
