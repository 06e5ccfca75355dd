"""Sanitising: reduce HTML to the small set of tags a story may carry, safe to show anywhere.

Two allow-lists share one procedure. ``sanitise_html`` takes untrusted article
HTML (a feed's content, an extracted page) down to what a story page may show;
``sanitise_story_html`` takes the HTML our own pages render for a story (rich
text, pictures, quotes) down to what other sites, apps and feed readers get
through the API, webhooks and feeds.

The procedure, in order:

1. parse the fragment into a tree (lxml);
2. drop scripts, styles and other foreign content with what is inside them;
3. rename headings into the allowed range and put a space after blocks that
   will be unwrapped, so their words stay apart;
4. resolve URLs against the base and drop links' targets and images whose
   URLs are not allowed (an image without a source is an empty box);
5. serialise the tree and clean it with nh3, once, as the very last step.

nh3's output is never touched again: no regular expression, no second parser.
Its escaping of ``<`` and ``>`` inside attribute values (from nh3 0.3.7) is
what keeps a crafted ``alt`` from turning into markup, and the pin in
pyproject.toml holds to it.

Pure Python: nothing here imports Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
import nh3
from lxml import etree

__all__ = ["parse_fragment", "readable_text", "sanitise_html", "sanitise_story_html"]

ALLOWED_TAGS = frozenset(
    {
        "p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a", "img",
        "figure", "figcaption", "em", "strong", "b", "i", "br", "cite", "q",
        "code", "pre",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "width", "height"}),
}

# Our own stories also carry pictures in several sizes (<picture>, srcset),
# superscript and subscript from the rich text editor, the dates of
# corrections and small print for credits. Classes are our page's styling
# hooks and mean nothing elsewhere; embeds (iframes) never pass.
STORY_TAGS = ALLOWED_TAGS | {"picture", "source", "sup", "sub", "small", "time"}
STORY_ATTRIBUTES = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "srcset", "sizes", "alt", "width", "height", "loading"}),
    "source": frozenset({"srcset", "sizes", "type", "media"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "time": frozenset({"datetime"}),
}

# Elements removed together with everything inside them: their content is
# code, markup for another renderer or an embedded page, never article text.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "noscript", "template", "object", "embed", "svg", "math", "form",
        "textarea", "select", "frameset", "frame", "noframes", "title", "xmp", "plaintext", "noembed",
    }
)  # fmt: skip

# Headings outside the allowed range keep their role at the nearest allowed level
# (the page's own <h1> is the story headline, so a body <h1> becomes <h2>).
HEADING_LEVELS = {"h1": "h2", "h5": "h4", "h6": "h4"}

# Block elements outside the allow-list are unwrapped, keeping their text; a
# space after each keeps "<td>a</td><td>b</td>" from becoming "ab".
UNWRAPPED_BLOCKS = frozenset(
    {
        "div", "section", "article", "header", "footer", "main", "aside", "nav", "table", "thead", "tbody",
        "tfoot", "tr", "td", "th", "dl", "dt", "dd", "address", "details", "summary", "caption", "hr",
    }
)  # fmt: skip

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# An image is fetched by every reader's browser: only web URLs, never mailto:.
IMAGE_SCHEMES = frozenset({"http", "https"})
# Attributes holding one URL, and the schemes each accepts.
URL_ATTRIBUTES = {"href": LINK_SCHEMES, "src": IMAGE_SCHEMES, "cite": IMAGE_SCHEMES}
# Browsers strip these from both ends of a URL before reading it.
URL_EDGE_CHARACTERS = "".join(chr(code) for code in range(0x21))

# A republished story links out on the outlet's behalf without vouching for
# the target, and the target must not get a handle on our window.
LINK_REL = "nofollow noopener"

IMAGE_LOADING = frozenset({"lazy", "eager"})

# Control characters no page shows and lxml cannot hold (it refuses them in
# any text it is given); a form feed is whitespace in HTML and stays a space.
CONTROL_CHARACTERS = {code: None for code in (*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)} | {
    0x0C: " "
}


@dataclass(frozen=True)
class Policy:
    """What one allow-list keeps: tags, attributes per tag, and the rel forced on links."""

    tags: frozenset[str]
    attributes: dict[str, frozenset[str]]
    link_rel: str | None


ARTICLE_POLICY = Policy(ALLOWED_TAGS, ALLOWED_ATTRIBUTES, LINK_REL)
# Our own links are ours to vouch for; a wire story's links lose their rel
# here, which only other sites would read.
STORY_POLICY = Policy(STORY_TAGS, STORY_ATTRIBUTES, None)


def sanitise_html(html: str, base_url: str | None = None) -> str:
    """Return untrusted html reduced to the allow-list, safe to render on a story page.

    Links keep only http, https and mailto targets and always carry
    rel="nofollow noopener"; images keep only http and https sources. Relative
    URLs are resolved against base_url, or dropped when there is none.
    """
    return _sanitise(html, base_url, ARTICLE_POLICY)


def sanitise_story_html(html: str, base_url: str | None = None) -> str:
    """Return a story's rendered HTML reduced to what other sites and apps may show.

    The story allow-list: the article one plus pictures in several sizes
    (``picture``, ``source``, ``srcset``, ``sizes``), ``sup``, ``sub``,
    ``small`` and ``time``; no classes, no embeds. Every URL is made absolute
    against base_url (relative ones are dropped without it); links get no rel.
    """
    return _sanitise(html, base_url, STORY_POLICY)


def readable_text(text: str) -> str:
    """text without control characters and lone surrogates (a JSON "\\ud800"), which no parser takes."""
    text = (text or "").translate(CONTROL_CHARACTERS)
    return text if text.isascii() else text.encode("utf-8", errors="replace").decode("utf-8")


def parse_fragment(html: str) -> etree._Element:
    """html parsed as the content of one <div>, whatever it holds: a fragment, a whole document, a frameset.

    lxml's own fragment_fromstring parses anything starting with "<html" as a
    document and fails (an assertion) when that document has no body.
    """
    html = readable_text(html)
    try:
        document = lxml.html.document_fromstring(f"<html><body>{html}</body></html>")
    except (etree.ParserError, ValueError):
        document = None
    body = document.find("body") if document is not None else None
    if body is None:
        return lxml.html.Element("div")
    body.tag = "div"
    body.attrib.clear()
    body.tail = None
    return body


def _sanitise(html: str, base_url: str | None, policy: Policy) -> str:
    if not html or not html.strip():
        return ""
    wrapper = parse_fragment(html)
    _drop_foreign_content(wrapper)
    _restructure(wrapper)
    _check_urls(wrapper, base_url)
    markup = lxml.html.tostring(wrapper, encoding="unicode")
    return nh3.clean(
        markup,
        tags=set(policy.tags),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        # "*" empty: without it nh3 keeps ammonia's generic lang and title on every tag
        attributes={"*": set()} | {tag: set(names) for tag, names in policy.attributes.items()},
        attribute_filter=_filter_attribute,
        strip_comments=True,
        link_rel=policy.link_rel,
        url_schemes=set(LINK_SCHEMES),
        # every acceptable URL is absolute by now (step 4)
        url_relative="deny",
    ).strip()


def _drop_foreign_content(wrapper: etree._Element) -> None:
    """Remove scripts, styles, embedded pages, comments and processing instructions, keeping what follows them."""
    doomed = [
        element
        for element in wrapper.iterdescendants()
        if not isinstance(element.tag, str) or element.tag.lower() in DROPPED_WITH_CONTENT
    ]
    for element in doomed:
        if element.getparent() is not None:
            _remove_keeping_tail(element)


def _restructure(wrapper: etree._Element) -> None:
    """Headings into h2–h4, and a space after every block that nh3 will unwrap."""
    for element in wrapper.iterdescendants():
        tag = element.tag.lower()
        if tag in HEADING_LEVELS:
            element.tag = HEADING_LEVELS[tag]
        elif tag in UNWRAPPED_BLOCKS:
            element.tail = " " + (element.tail or "")


def _check_urls(wrapper: etree._Element, base_url: str | None) -> None:
    """Resolve URLs against base_url; drop refused link targets and images without a usable source."""
    for element in list(wrapper.iterdescendants()):
        for attribute, schemes in URL_ATTRIBUTES.items():
            value = element.get(attribute)
            if value is None:
                continue
            url = _acceptable_url(value, base_url, schemes)
            if url is None:
                del element.attrib[attribute]
            else:
                element.set(attribute, url)
        if element.get("srcset") is not None:
            srcset = _acceptable_srcset(element.get("srcset"), base_url)
            if srcset is None:
                del element.attrib["srcset"]
            else:
                element.set("srcset", srcset)
        if element.tag == "img" and element.get("src") is None:
            _remove_keeping_tail(element)


def _acceptable_url(value: str, base_url: str | None, schemes: frozenset[str]) -> str | None:
    """The absolute form of value when its scheme is one of schemes, else None."""
    value = value.strip(URL_EDGE_CHARACTERS)
    try:
        url = urljoin(base_url, value) if base_url else value
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket in the host
        return None
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        return None
    if scheme in IMAGE_SCHEMES and not _is_host(parts.hostname):
        return None
    return url


def _is_host(hostname: str | None) -> bool:
    return bool(hostname) and not any(character.isspace() or character in '<>"\\^`{|}' for character in hostname)


def _acceptable_srcset(srcset: str, base_url: str | None) -> str | None:
    """A srcset with every candidate made an absolute web URL, or None when one cannot be."""
    candidates = []
    for candidate in srcset.split(","):
        url, _, descriptor = candidate.strip().partition(" ")
        if not url:
            continue
        url = _acceptable_url(url, base_url, IMAGE_SCHEMES)
        if url is None or "," in url:
            return None
        candidates.append(f"{url} {descriptor.strip()}".strip())
    return ", ".join(candidates) or None


def _remove_keeping_tail(element: etree._Element) -> None:
    parent, tail = element.getparent(), element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """The last word on attribute values nh3 has no rule for: sizes, loading, srcset and cite URLs."""
    if attribute in {"width", "height"}:
        return value if value.isdigit() else None
    if attribute == "loading":
        return value if value in IMAGE_LOADING else None
    if attribute in {"src", "cite"}:
        return value if _scheme(value) in IMAGE_SCHEMES else None
    if attribute == "srcset":
        # step 4 left only absolute web URLs; anything else is refused whole
        urls = [candidate.strip().partition(" ")[0] for candidate in value.split(",")]
        return value if all(_scheme(url) in IMAGE_SCHEMES for url in urls) else None
    return value


def _scheme(url: str) -> str:
    try:
        return urlsplit(url.strip(URL_EDGE_CHARACTERS)).scheme.lower()
    except ValueError:
        return ""
