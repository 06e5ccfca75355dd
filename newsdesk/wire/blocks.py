"""Story blocks: a wire story's HTML as the article body's StreamField blocks.

The HTML is parsed, never pasted: every paragraph's rich text is written
here, element by element, from a few tags the rich text editor knows (``p``,
``b``, ``i``, ``sup``, ``sub``, ``br``, ``a``, ``ul``, ``ol``, ``li``), with
every piece of text and every attribute value escaped. Text that looked like
markup in the source (``&lt;img onerror=…&gt;``) stays text on the page.

What becomes what:

- paragraphs, and loose text or inline markup between blocks: paragraph blocks;
- lists: paragraph blocks holding the list;
- ``h1``–``h6``: heading blocks (plain text);
- ``blockquote``, or a figure around one: quote blocks, the ``cite`` or the
  figure's caption as attribution;
- ``pre``: a paragraph of its text, lines kept;
- figures: their caption as a paragraph (the picture itself stays at the source);
- other containers (``div``, ``section``…): their content, block by block;
- scripts, styles, images, embeds and forms: nothing.

Links keep only http, https and mailto targets and carry rel="nofollow noopener".
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from lxml import etree
from wagtail.rich_text import RichText

from .sanitising import DROPPED_WITH_CONTENT, LINK_REL, LINK_SCHEMES, URL_EDGE_CHARACTERS, parse_fragment

__all__ = ["body_blocks"]

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
LISTS = frozenset({"ul", "ol"})
# Inline tags kept, under the names the rich text editor stores them by.
INLINE_TAGS = {"b": "b", "strong": "b", "i": "i", "em": "i", "sup": "sup", "sub": "sub"}
# Elements that start a block of their own; everything else is inline and
# joins the paragraph around it.
BLOCK_TAGS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "figure", "figcaption",
        "div", "section", "article", "header", "footer", "main", "aside", "nav", "table", "thead", "tbody",
        "tfoot", "tr", "td", "th", "caption", "dl", "dt", "dd", "address", "details", "summary", "hr",
        "center", "fieldset", "body", "html",
    }
)  # fmt: skip
# Leaves with nothing to say on the page.
SILENT_TAGS = DROPPED_WITH_CONTENT | {"img", "picture", "source", "video", "audio", "canvas", "head", "meta", "link"}
# A quotation's attribution often opens with a dash.
ATTRIBUTION_DASHES = "—–-― \u00a0"


def body_blocks(html: str) -> list[tuple[str, object]]:
    """StreamField blocks (``(block_type, value)`` pairs) for a story's HTML; quotations stay quotations."""
    if not html or not html.strip():
        return []
    blocks: list[tuple[str, object]] = []
    _container_blocks(parse_fragment(html), blocks)
    return blocks


def _container_blocks(container: etree._Element, blocks: list) -> None:
    """Blocks for a container's content: runs of inline content become paragraphs."""
    run: list[str] = [_text(container.text)]
    for child in container:
        if _tag(child) in BLOCK_TAGS:
            _paragraph("".join(run), blocks)
            run = []
            _element_blocks(child, blocks)
        else:
            run.append(_inline(child))
        run.append(_text(child.tail))
    _paragraph("".join(run), blocks)


def _element_blocks(element: etree._Element, blocks: list) -> None:
    tag = _tag(element)
    if tag == "p":
        _paragraph(_inline_content(element), blocks)
    elif tag in LISTS:
        items = _list_items(element)
        if items:
            blocks.append(("paragraph", RichText(items)))
    elif tag in HEADINGS:
        text = _plain(element)
        if text:
            blocks.append(("heading", text))
    elif tag == "blockquote":
        _quote(element, None, blocks)
    elif tag == "figure":
        _figure(element, blocks)
    elif tag == "pre":
        lines = [escape(line.rstrip(), quote=False) for line in _visible_text(element).strip("\n").split("\n")]
        _paragraph("<br/>".join(lines), blocks)
    elif tag == "hr":
        return
    else:
        _container_blocks(element, blocks)


def _paragraph(markup: str, blocks: list) -> None:
    if _has_text(markup):
        blocks.append(("paragraph", RichText(f"<p>{markup.strip()}</p>")))


def _quote(blockquote: etree._Element, caption: etree._Element | None, blocks: list) -> None:
    attribution = ""
    for cite in list(blockquote.iter("cite")):
        attribution = attribution or _plain(cite)
        cite.drop_tree()
    if caption is not None:
        attribution = _plain(caption).lstrip(ATTRIBUTION_DASHES) or attribution
    inner: list[tuple[str, object]] = []
    _container_blocks(blockquote, inner)
    quote = "\n\n".join(filter(None, (_block_text(value) for _, value in inner)))
    if quote:
        blocks.append(("quote", {"quote": quote, "attribution": attribution}))


def _block_text(value) -> str:
    """The plain text of a block value made here: a heading's string, a quote's words, rich text's text."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return value["quote"]
    return _plain(parse_fragment(value.source))


def _figure(figure: etree._Element, blocks: list) -> None:
    """A pull quote (a figure around a blockquote) stays a quote; a picture leaves its caption."""
    caption = next((child for child in figure if _tag(child) == "figcaption"), None)
    blockquote = next((child for child in figure.iter() if _tag(child) == "blockquote"), None)
    if blockquote is not None:
        _quote(blockquote, caption, blocks)
        return
    for child in figure:
        if child is caption or _tag(child) in SILENT_TAGS:
            continue
        if _tag(child) in BLOCK_TAGS:
            _element_blocks(child, blocks)
    if caption is not None:
        _paragraph(_inline_content(caption), blocks)


def _list_items(element: etree._Element) -> str:
    """A list as rich text; items hold inline content and may hold lists of their own."""
    tag = _tag(element)
    items = []
    for item in element:
        if _tag(item) != "li":
            if _tag(item) in LISTS:
                nested = _list_items(item)
                if nested:
                    items.append(f"<li>{nested}</li>")
            continue
        content = "".join([_text(item.text)] + [_list_item_part(child) for child in item]).strip()
        if _has_text(content):
            items.append(f"<li>{content}</li>")
    return f"<{tag}>{''.join(items)}</{tag}>" if items else ""


def _list_item_part(child: etree._Element) -> str:
    if _tag(child) in LISTS:
        return _list_items(child) + _text(child.tail)
    if _tag(child) in BLOCK_TAGS:
        return " " + _inline_content(child) + " " + _text(child.tail)
    return _inline(child) + _text(child.tail)


def _inline(element: etree._Element) -> str:
    """One inline element as rich text (without its tail)."""
    tag = _tag(element)
    if not tag or tag in SILENT_TAGS:  # comments and processing instructions have no tag
        return ""
    if tag == "br":
        return "<br/>"
    content = _inline_content(element)
    if tag in INLINE_TAGS and content.strip():
        name = INLINE_TAGS[tag]
        return f"<{name}>{content}</{name}>"
    if tag == "a":
        href = _link_target(element.get("href"))
        if href and content.strip():
            return f'<a href="{escape(href)}" rel="{LINK_REL}">{content}</a>'
    return content


def _inline_content(element: etree._Element) -> str:
    """An element's children as inline rich text: blocks inside it are flattened to their text."""
    parts = [_text(element.text)]
    for child in element:
        if _tag(child) in BLOCK_TAGS:
            parts.append(" " + _inline_content(child) + " ")
        else:
            parts.append(_inline(child))
        parts.append(_text(child.tail))
    return "".join(parts)


def _link_target(href: str | None) -> str | None:
    if not href:
        return None
    href = href.strip(URL_EDGE_CHARACTERS)
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or (parts.scheme.lower() != "mailto" and not parts.hostname):
        return None
    return href


def _visible_text(element: etree._Element) -> str:
    """An element's text as a reader sees it: without scripts, styles and other silent content."""
    parts = [element.text or ""]
    for child in element:
        if _tag(child) and _tag(child) not in SILENT_TAGS:
            parts.append(_visible_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _plain(element: etree._Element) -> str:
    """An element's visible text with runs of whitespace collapsed: for headings, quotes and attributions."""
    return " ".join(_visible_text(element).split())


def _text(text: str | None) -> str:
    return escape(text, quote=False) if text else ""


def _has_text(markup: str) -> bool:
    """Whether rich text markup has any words in it, not just tags and spaces."""
    if not markup.strip():
        return False
    return bool(_plain(parse_fragment(markup)))


def _tag(element: etree._Element) -> str:
    """An element's tag in lower case; "" for comments and processing instructions."""
    return element.tag.lower() if isinstance(element.tag, str) else ""
