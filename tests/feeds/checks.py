"""Rules each feed format must follow, written out as checks that list what breaks them.

RSS 2.0 (with the RSS Advisory Board's profile), Atom 1.0 (RFC 4287) and
JSON Feed 1.1, plus the W3C Feed Validator's warnings about the HTML inside
a feed. Each check returns a list of problems; an empty list is a pass.
"""

import json
import re
from datetime import datetime

import lxml.html
from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
RSS_ATOM_LINK = "{http://www.w3.org/2005/Atom}link"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"

RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d\d:\d\d:\d\d [+-]\d{4}$"
)
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
UUID_URN = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ABSOLUTE_URL = re.compile(r"^https?://[^/]+/")

# What the W3C Feed Validator accepts in feed HTML without a warning,
# narrowed to what a story can contain. Anything else (iframe, script,
# style, class, data- or event attributes) would be flagged or is noise.
FEED_HTML_TAGS = {
    "a", "b", "blockquote", "br", "em", "figcaption", "figure", "h2", "h3", "i", "img", "li",
    "ol", "p", "small", "strong", "sub", "sup", "time", "ul",
}
FEED_HTML_ATTRIBUTES = {"alt", "cite", "datetime", "height", "href", "src", "width"}
URL_ATTRIBUTES = {"href", "src", "cite"}


def parse_xml(body):
    return etree.fromstring(body)


def check_rss(body, self_url):
    problems = []
    rss = parse_xml(body)
    if rss.tag != "rss" or rss.get("version") != "2.0":
        return ["the root is not <rss version=\"2.0\">"]
    channels = rss.findall("channel")
    if len(channels) != 1:
        return ["there is not exactly one channel"]
    channel = channels[0]
    for name in ("title", "link", "description"):
        if len(channel.findall(name)) != 1 or not (channel.findtext(name) or "").strip():
            problems.append(f"channel needs exactly one non-empty {name}")
    if not ABSOLUTE_URL.match(channel.findtext("link") or ""):
        problems.append("channel link is not an absolute URL")
    selves = [link for link in channel.findall(RSS_ATOM_LINK) if link.get("rel") == "self"]
    if len(selves) != 1 or selves[0].get("href") != self_url:
        problems.append(f"channel needs one atom:link rel=self pointing at {self_url}")
    if not channel.findtext("language"):
        problems.append("channel has no language")
    if not RFC822.match(channel.findtext("lastBuildDate") or ""):
        problems.append("lastBuildDate is not an RFC 822 date with a zone")
    guids = []
    for number, item in enumerate(channel.findall("item"), 1):
        where = f"item {number}"
        for name in ("title", "link", "description", "guid", "pubDate"):
            if len(item.findall(name)) != 1:
                problems.append(f"{where} needs exactly one {name}")
        guid = item.find("guid")
        if guid is not None:
            guids.append(guid.text)
            if guid.get("isPermaLink") != "false" or not UUID_URN.match(guid.text or ""):
                problems.append(f"{where}: guid is not a urn:uuid with isPermaLink=\"false\"")
        if not RFC822.match(item.findtext("pubDate") or ""):
            problems.append(f"{where}: pubDate is not an RFC 822 date with a zone")
        if not ABSOLUTE_URL.match(item.findtext("link") or ""):
            problems.append(f"{where}: link is not an absolute URL")
        enclosures = item.findall("enclosure")
        if len(enclosures) > 1:
            problems.append(f"{where} has more than one enclosure")
        for enclosure in enclosures:
            if not ABSOLUTE_URL.match(enclosure.get("url", "")):
                problems.append(f"{where}: enclosure url is not absolute")
            if not enclosure.get("length", "").isdigit() or int(enclosure.get("length")) <= 0:
                problems.append(f"{where}: enclosure length is not a positive integer")
            if not re.match(r"^image/[a-z]+$", enclosure.get("type", "")):
                problems.append(f"{where}: enclosure type is not an image type")
        if item.find(CONTENT_ENCODED) is not None:
            names = [child.tag for child in item]
            if names.index("description") > names.index(CONTENT_ENCODED):
                problems.append(f"{where}: description must come before content:encoded")
        for html in [item.findtext("description")] + [e.text for e in item.findall(CONTENT_ENCODED)]:
            problems += [f"{where}: {p}" for p in check_feed_html(html or "")]
    if len(set(guids)) != len(guids):
        problems.append("two items share a guid")
    return problems


def check_atom(body, self_url):
    """RFC 4287, section 4.1: the elements a feed and its entries must (and may only once) have."""
    problems = []
    feed = parse_xml(body)
    if feed.tag != f"{ATOM}feed":
        return ["the root is not an Atom feed element"]
    for name in ("id", "title", "updated"):
        if len(feed.findall(ATOM + name)) != 1:
            problems.append(f"feed needs exactly one {name}")
    if not RFC3339.match(feed.findtext(ATOM + "updated") or ""):
        problems.append("feed updated is not an RFC 3339 date with a zone")
    links = feed.findall(ATOM + "link")
    selves = [link for link in links if link.get("rel") == "self"]
    if len(selves) != 1 or selves[0].get("href") != self_url:
        problems.append(f"feed needs one link rel=self pointing at {self_url}")
    if not [link for link in links if link.get("rel", "alternate") == "alternate"]:
        problems.append("feed has no alternate link")
    feed_has_author = feed.find(ATOM + "author") is not None
    ids = []
    for number, entry in enumerate(feed.findall(ATOM + "entry"), 1):
        where = f"entry {number}"
        for name in ("id", "title", "updated"):
            if len(entry.findall(ATOM + name)) != 1:
                problems.append(f"{where} needs exactly one {name}")
        for name in ("published", "summary", "content"):
            if len(entry.findall(ATOM + name)) > 1:
                problems.append(f"{where} has more than one {name}")
        ids.append(entry.findtext(ATOM + "id"))
        if not UUID_URN.match(entry.findtext(ATOM + "id") or ""):
            problems.append(f"{where}: id is not a urn:uuid")
        if not feed_has_author and entry.find(ATOM + "author") is None:
            problems.append(f"{where} has no author, and neither has the feed")
        for author in entry.findall(ATOM + "author"):
            if not (author.findtext(ATOM + "name") or "").strip():
                problems.append(f"{where}: an author has no name")
        alternates = [link for link in entry.findall(ATOM + "link") if link.get("rel", "alternate") == "alternate"]
        content = entry.find(ATOM + "content")
        if content is None and not alternates:
            problems.append(f"{where} has neither content nor an alternate link")
        if content is None and entry.find(ATOM + "summary") is None:
            problems.append(f"{where} has no textual content (no content, no summary)")
        for link in entry.findall(ATOM + "link"):
            if not ABSOLUTE_URL.match(link.get("href", "")):
                problems.append(f"{where}: a link href is not absolute")
            if link.get("rel") == "enclosure" and not (link.get("length", "").isdigit() and link.get("type")):
                problems.append(f"{where}: the enclosure link needs a length and a type")
        dates = {name: entry.findtext(ATOM + name) for name in ("published", "updated")}
        for name, value in dates.items():
            if value is not None and not RFC3339.match(value):
                problems.append(f"{where}: {name} is not an RFC 3339 date with a zone")
        well_formed = all(RFC3339.match(value or "") for value in dates.values())
        if well_formed and datetime.fromisoformat(dates["published"]) > datetime.fromisoformat(dates["updated"]):
            problems.append(f"{where} was updated before it was published")
        for element in (entry.find(ATOM + "summary"), content):
            if element is not None:
                if element.get("type") != "html":
                    problems.append(f"{where}: {element.tag} is not of type html")
                problems += [f"{where}: {p}" for p in check_feed_html(element.text or "")]
    if len(set(ids)) != len(ids):
        problems.append("two entries share an id")
    return problems


def check_json_feed(body, self_url):
    """JSON Feed 1.1: the required fields, and the types of those we use."""
    problems = []
    feed = json.loads(body)
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version is not the JSON Feed 1.1 URL")
    if not isinstance(feed.get("title"), str) or not feed["title"]:
        problems.append("title is missing")
    if feed.get("feed_url") != self_url:
        problems.append(f"feed_url is not {self_url}")
    if not ABSOLUTE_URL.match(feed.get("home_page_url", "")):
        problems.append("home_page_url is not absolute")
    if not isinstance(feed.get("items"), list):
        return problems + ["items is not a list"]
    ids = []
    for number, item in enumerate(feed["items"], 1):
        where = f"item {number}"
        if not isinstance(item.get("id"), str) or not UUID_URN.match(item["id"]):
            problems.append(f"{where}: id is not a urn:uuid string")
        ids.append(item.get("id"))
        if not isinstance(item.get("content_html", item.get("content_text")), str):
            problems.append(f"{where} has neither content_html nor content_text")
        for name in ("url", "image", "external_url"):
            if name in item and not ABSOLUTE_URL.match(item[name]):
                problems.append(f"{where}: {name} is not absolute")
        for name in ("date_published", "date_modified"):
            if not RFC3339.match(item.get(name, "")):
                problems.append(f"{where}: {name} is not an RFC 3339 date with a zone")
        authors = item.get("authors", [])
        if not all(isinstance(a, dict) and a.get("name") for a in authors):
            problems.append(f"{where}: an author has no name")
        if not all(isinstance(tag, str) for tag in item.get("tags", [])):
            problems.append(f"{where}: tags are not strings")
        problems += [f"{where}: {p}" for p in check_feed_html(item.get("content_html", ""))]
    if len(set(ids)) != len(ids):
        problems.append("two items share an id")
    return problems


def check_feed_html(html):
    """What the W3C Feed Validator would warn about in a feed's HTML, and no relative URLs."""
    if not html.strip():
        return []
    problems = []
    for element in lxml.html.fragment_fromstring(html, create_parent="div").iterdescendants():
        if not isinstance(element.tag, str):
            continue  # a comment
        if element.tag not in FEED_HTML_TAGS:
            problems.append(f"<{element.tag}> in feed HTML")
        for attribute, value in element.attrib.items():
            if attribute not in FEED_HTML_ATTRIBUTES:
                problems.append(f"{attribute} attribute on <{element.tag}>")
            elif attribute in URL_ATTRIBUTES and not ABSOLUTE_URL.match(value):
                problems.append(f"relative URL {value!r} in feed HTML")
    return problems
