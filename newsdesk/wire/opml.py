"""OPML: importing a subscription list from another reader, and exporting ours.

Feed readers (Miniflux, FreshRSS, NewsBlur, Feedly…) all export OPML 1.0 or
2.0: nested ``<outline>`` elements where the ones with an ``xmlUrl`` are feeds
and the ones around them are folders. We read both versions and write 2.0.

Uploaded files are read through defusedxml: a file that declares entities
is refused before any is expanded (no entity bombs), and nothing outside it
is ever read or fetched (no XXE).

Pure Python: nothing here imports Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XmlSyntaxError

import defusedxml
import defusedxml.ElementTree
from lxml import etree

from .parsing import decode_xml

XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

__all__ = ["OpmlError", "OpmlOutline", "build_opml", "parse_opml"]


class OpmlError(ValueError):
    """The file is not OPML we can read; ``str(error)`` says why."""


@dataclass(frozen=True)
class OpmlOutline:
    """One feed of a subscription list."""

    title: str
    xml_url: str
    html_url: str | None = None
    category: str | None = None  # the folder the feed was in, if any


def parse_opml(content: bytes) -> list[OpmlOutline]:
    """The feeds in an OPML file, in document order, each once.

    An outline is a feed when it has an ``xmlUrl``; its category is the title of
    the outline it sits in (for a top-level feed, the first entry of an OPML 2.0
    ``category`` attribute, if any). Outlines without ``xmlUrl`` (folders, plain
    links) are not returned. A feed listed twice keeps its first place.
    """
    # Decoded first (any charset, UTF-16 included), so the XML parser only
    # ever sees UTF-8.
    document = decode_xml(content).encode("utf-8")
    try:
        root = defusedxml.ElementTree.fromstring(
            document, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except XmlSyntaxError as error:
        raise OpmlError(f"Not an OPML file: the XML is malformed ({error})") from None
    except defusedxml.DefusedXmlException:
        raise OpmlError(
            "Not an OPML file newsdesk reads: it declares XML entities, which newsdesk does not expand"
        ) from None
    if _local(root.tag) != "opml":
        raise OpmlError(f"Not an OPML file: the root element is <{_local(root.tag)}>, not <opml>")
    body = next((child for child in root if _local(child.tag) == "body"), None)
    if body is None:
        raise OpmlError("Not an OPML file: it has no <body>")
    outlines, seen = [], set()
    _collect(body, None, outlines, seen)
    return outlines


def _collect(element: Element, category: str | None, outlines: list[OpmlOutline], seen: set[str]) -> None:
    for outline in element:
        if not isinstance(outline.tag, str) or _local(outline.tag) != "outline":
            continue
        attributes = {name.lower(): value.strip() for name, value in outline.attrib.items()}
        title = attributes.get("title") or attributes.get("text") or ""
        xml_url = attributes.get("xmlurl")
        if xml_url and xml_url not in seen:
            seen.add(xml_url)
            outlines.append(OpmlOutline(
                title=title or xml_url,
                xml_url=xml_url,
                html_url=attributes.get("htmlurl") or None,
                category=category or _category_attribute(attributes.get("category")),
            ))
        # A feed outline may itself hold outlines (rare); they share its folder.
        _collect(outline, category if xml_url else (title or category), outlines, seen)


def _category_attribute(value: str | None) -> str | None:
    # OPML 2.0: "a string of comma-separated slash-delimited category strings",
    # e.g. "/Local/Harbour,/Transport". The first one's last part is its name.
    if not value:
        return None
    first = value.split(",")[0].strip().strip("/")
    return first.rsplit("/", 1)[-1].strip() or None


def build_opml(title: str, outlines: Iterable[OpmlOutline]) -> str:
    """An OPML 2.0 document listing ``outlines``, grouped in one folder per category."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = _xml_text(title)
    body = etree.SubElement(root, "body")
    folders: dict[str, etree._Element] = {}
    for outline in outlines:
        parent = body
        if outline.category:
            parent = folders.get(outline.category)
            if parent is None:
                name = _xml_text(outline.category)
                parent = folders[outline.category] = etree.SubElement(body, "outline", text=name, title=name)
        name = _xml_text(outline.title)
        element = etree.SubElement(parent, "outline", type="rss", text=name, title=name)
        element.set("xmlUrl", _xml_text(outline.xml_url))
        if outline.html_url:
            element.set("htmlUrl", _xml_text(outline.html_url))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="unicode", pretty_print=True)


def _xml_text(text: str) -> str:
    # Feed titles sometimes carry control characters, which XML 1.0 cannot hold.
    return XML_INVALID.sub("", text)


def _local(tag: str) -> str:
    """A tag's name without its namespace ("{http://…}outline" is "outline"), in lower case."""
    return tag.rpartition("}")[2].lower() if isinstance(tag, str) else ""
