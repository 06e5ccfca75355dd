"""Hypothesis strategies for hostile documents: HTML fragments and RSS, Atom and JSON feeds built from random text.

The text mixes plain words with the pieces attackers and broken publishers
use: markup written as text and as markup, entities (defined, undefined,
numeric, out of range), control characters, CDATA ends, quotes and URLs with
script schemes. Documents are assembled by string formatting on purpose:
they are inputs, and inputs are allowed to be broken.
"""

import json

from hypothesis import strategies as st

FRAGMENTS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;",
    "&lt;script&gt;alert(1)&lt;/script&gt;", "javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "<a href='javascript:alert(1)'>x</a>", '"><svg onload=alert(1)>', "'", '"', "<", ">", "&", "&amp;",
    "&nbsp;", "&bogus;", "&#0;", "&#x0;", "&#1114112;", "&#x1F600;", "&#8212;", "]]>", "<![CDATA[", "<!--",
    "-->", "<!ENTITY x 'y'>", "&x;", "\x00", "\x07", "\x0b", "\x1b", "\ufeff", "\ufffe", "\u202e", "\ud800",
    '<a linktype="page" id="1">', '<embed embedtype="image" id="1"/>', "</p>", "</blockquote>", "<p>", "<br>",
    "{{ 7 }}", "{% now %}", "\n", "\r\n", "\t", "  ", "é", "€", "“", "中文", "🙂",
]  # fmt: skip

TAGS = [
    "p", "div", "span", "a", "img", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "cite", "q", "figure",
    "figcaption", "pre", "code", "ul", "ol", "li", "em", "strong", "b", "i", "u", "sup", "sub", "br", "hr",
    "table", "tr", "td", "th", "section", "article", "aside", "nav", "header", "footer", "picture", "source",
    "script", "style", "iframe", "object", "embed", "svg", "math", "form", "input", "textarea", "select",
    "option", "button", "noscript", "template", "base", "meta", "link", "title", "xmp", "plaintext",
    "noembed", "frameset", "frame", "video", "audio", "canvas", "details", "summary", "time", "small", "font",
    "marquee", "applet", "body", "html", "head",
]  # fmt: skip

ATTRIBUTES = [
    "href", "src", "srcset", "sizes", "alt", "title", "class", "id", "style", "onclick", "onerror",
    "onload", "ONMOUSEOVER", "cite", "width", "height", "loading", "rel", "target", "data-x", "action",
    "formaction", "xlink:href", "poster", "background", "type", "datetime", "linktype", "embedtype", "name",
]  # fmt: skip

URLS = [
    "https://news.example/story", "http://news.example/a?b=1&c=2", "/relative/path", "relative.jpg",
    "//cdn.example/x.png", "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
    "java\tscript:alert(1)", "java&#x09;script:alert(1)", "&#106;avascript:alert(1)", "\x01javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=", "data:image/png;base64,AAAA", "vbscript:msgbox(1)",
    "mailto:desk@news.example", "tel:123", "ftp://files.example/x", "http://[::1", "http://a b/c",
    "https://news.example/x.jpg 1x, javascript:alert(1) 2x", "https://img.example/a.jpg 480w, /b.jpg 800w",
    "", "#top", "?q=1",
]  # fmt: skip

# Random text, weighted towards the hostile pieces.
text = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(FRAGMENTS)), max_size=6).map("".join)
attribute_value = st.one_of(st.sampled_from(URLS), text)


def _attributes(draw) -> str:
    names = draw(st.lists(st.sampled_from(ATTRIBUTES), max_size=3))
    parts = []
    for name in names:
        value = draw(attribute_value)
        quote = draw(st.sampled_from(['"', "'", ""]))
        if quote:
            value = value.replace(quote, "&quot;" if quote == '"' else "&#39;")
        else:
            value = value.replace(" ", "").replace(">", "") or "x"
        parts.append(f" {name}={quote}{value}{quote}")
    return "".join(parts)


@st.composite
def html_fragments(draw, depth: int = 3) -> str:
    """An HTML fragment: random elements and attributes around random text, sometimes left unclosed."""
    pieces = []
    for _ in range(draw(st.integers(0, 4))):
        if depth > 0 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            inner = draw(html_fragments(depth=depth - 1))
            closing = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", ""]))
            pieces.append(f"<{tag}{_attributes(draw)}>{inner}{closing}")
        else:
            pieces.append(draw(text))
    return "".join(pieces)


html_documents = st.one_of(
    html_fragments(),
    html_fragments().map(lambda body: f"<!DOCTYPE html><html><head><title>T</title></head><body>{body}</body></html>"),
    st.tuples(html_fragments(), html_fragments()).map(
        lambda parts: (
            "<html><head><meta charset='utf-8'><title>Story</title></head><body><nav>Home</nav>"
            f"<article><h1>A headline for the story</h1><p>{parts[0]} The story goes on for a while, long enough"
            " to be read as an article by the extractor.</p><p>It has a second paragraph with more words in it, "
            f"and a third.</p>{parts[1]}</article><footer>© 2026</footer></body></html>"
        )
    ),
)


def _xml_text(value: str, raw: bool) -> str:
    """Text for an XML element: escaped, or (when raw) dropped in as it is, possibly breaking the document."""
    if raw:
        return value
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def rss_feeds(draw) -> bytes:
    items = []
    for _ in range(draw(st.integers(0, 4))):
        raw = draw(st.booleans())
        link = draw(st.one_of(st.sampled_from(URLS), text))
        description = draw(st.one_of(html_fragments(depth=2), text))
        wrapped = f"<![CDATA[{description}]]>" if draw(st.booleans()) else _xml_text(description, raw)
        items.append(
            f"<item><title>{_xml_text(draw(text), raw)}</title><link>{_xml_text(link, raw)}</link>"
            f"<guid isPermaLink='{draw(st.sampled_from(['true', 'false']))}'>{_xml_text(draw(text), raw)}</guid>"
            f"<description>{wrapped}</description><pubDate>{_xml_text(draw(text), raw)}</pubDate>"
            f"<enclosure url='{_xml_text(link, False).replace(chr(39), '')}' type='image/jpeg'/></item>"
        )
    encoding = draw(st.sampled_from(["utf-8", "windows-1252", "iso-8859-1", "utf-16", "koi8-r", "bogus-charset"]))
    document = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>'
        f"<title>{_xml_text(draw(text), draw(st.booleans()))}</title><link>https://news.example/</link>"
        + "".join(items)
        + "</channel></rss>"
    )
    codec = draw(st.sampled_from(["utf-8", "utf-16", "cp1252"]))
    return document.encode(codec, errors="replace")


@st.composite
def atom_feeds(draw) -> bytes:
    entries = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["html", "xhtml", "text"]))
        body = draw(html_fragments(depth=2))
        content = (
            f"<div xmlns='http://www.w3.org/1999/xhtml'>{body}</div>" if kind == "xhtml" else _xml_text(body, False)
        )
        entries.append(
            f"<entry><title type='{kind}'>{_xml_text(draw(text), False)}</title>"
            f"<link href='{_xml_text(draw(st.sampled_from(URLS)), False).replace(chr(39), '')}'/>"
            f"<id>{_xml_text(draw(text), False)}</id><updated>{_xml_text(draw(text), False)}</updated>"
            f"<content type='{kind}'>{content}</content></entry>"
        )
    document = (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        f"<title>{_xml_text(draw(text), False)}</title>" + "".join(entries) + "</feed>"
    )
    return document.encode("utf-8", errors="surrogatepass")


junk = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), text, st.sampled_from(URLS)),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(text, children, max_size=3)),
    max_leaves=10,
)
JSON_ITEM_FIELDS = [
    "id", "url", "external_url", "title", "content_html", "content_text", "summary", "image", "banner_image",
    "date_published", "date_modified", "author", "authors", "tags", "attachments",
]  # fmt: skip


@st.composite
def json_feeds(draw) -> bytes:
    def field_value(name):
        if name in {"url", "external_url", "image", "banner_image", "id"}:
            return draw(st.one_of(st.sampled_from(URLS), junk))
        if name in {"content_html", "summary"}:
            return draw(st.one_of(html_fragments(), junk))
        return draw(junk)

    items = []
    for _ in range(draw(st.integers(0, 4))):
        names = draw(st.lists(st.sampled_from(JSON_ITEM_FIELDS), max_size=8, unique=True))
        items.append({name: field_value(name) for name in names} if draw(st.integers(0, 5)) else draw(junk))
    document = {
        "version": draw(st.sampled_from(["https://jsonfeed.org/version/1.1", "https://jsonfeed.org/version/1", 2])),
        "title": draw(junk),
        "home_page_url": draw(st.one_of(st.sampled_from(URLS), junk)),
        "authors": draw(junk),
        "items": items if draw(st.integers(0, 6)) else draw(junk),
    }
    return json.dumps(document, allow_nan=True).encode("utf-8", errors="surrogatepass")


feed_documents = st.one_of(rss_feeds(), atom_feeds(), json_feeds())
