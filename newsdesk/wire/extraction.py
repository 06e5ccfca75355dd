"""Extraction: the story in a saved page (text, article HTML, metadata) without the page's boilerplate.

Built on trafilatura. The steps, in order:

1. decode the page (declared charset first) and parse it once;
2. run trafilatura once on that tree, giving the body and the metadata together;
3. drop the boilerplate blocks trafilatura lets through, judged by their
   position, link density, shape and repetition (newsdesk/wire/boilerplate.py),
   and the blocks one source repeats on most of its pages when they are known;
4. drop a leading repeat of the headline, which ``title`` already carries;
5. put back the standfirst (the lead under the headline) when trafilatura left it out;
6. render the kept blocks of the same body as sanitised HTML.

Pure Python: nothing here imports Django, so the CLI and the benchmarks use it as is.
"""

from __future__ import annotations

import codecs
import re
from copy import deepcopy
from dataclasses import dataclass, field
from urllib.parse import urljoin

import trafilatura
from charset_normalizer import from_bytes
from htmldate import find_date
from lxml import etree
from lxml.etree import XPath, strip_tags
from lxml.html import HtmlElement
from trafilatura import metadata as page_metadata
from trafilatura.xml import xmltotxt

from newsdesk.wire import boilerplate
from newsdesk.wire.sanitising import sanitise_html

__all__ = ["Extraction", "ExtractionError", "extract"]

# The one trafilatura run: the rules were tuned on the tuning part of the
# evaluation set, and these options picked on the held-out part
# (docs/wire-extraction.md, "Choosing the one run"). Comments are never part
# of a story; tables are. Links off: F1 0.9381 held-out against 0.9349 with
# links on (which leads on the tuning part, 0.9438 against 0.9413); the HTML
# then keeps no links. Images and inline formatting off: with them on,
# captions and credits come into the text (held-out F1 0.9237).
TRAFILATURA_OPTIONS = {
    "include_comments": False,
    "include_tables": True,
    "include_formatting": False,
    "include_links": False,
    "include_images": False,
    "favor_precision": False,
}
# ``fast`` skips trafilatura's comparison with readability and jusText, which
# rescues pages where its main extractor goes astray: F1 0.9303 against 0.9381
# on the held-out part, for a little less time a page.

# Dates come from the page's metadata (meta tags, JSON-LD, <time>) and URL.
# htmldate's extensive search also parses dates out of the visible text with
# dateparser, which costs about 4 s of start-up per process and mostly finds
# dates of comments and teasers; feeds carry the publication date anyway.
DATE_OPTIONS = {"original_date": True, "extensive_search": False}

# A standfirst is put back only when it reads as a sentence, not a tagline:
# 10 words keeps nearly all the recall it brings (F1 0.9378 at 0 words, 0.9378
# at 10, 0.9358 at 20 on the evaluation set) and rules out slogans.
STANDFIRST_MIN_WORDS = 10
# The page description may be the standfirst itself or a truncated first
# paragraph; a block longer than twice the description plus a sentence or two
# is a container holding more than the lead.
STANDFIRST_MAX_GROWTH = 2
STANDFIRST_MAX_EXTRA_CHARACTERS = 200
# Enough leading characters of the description to identify its block.
STANDFIRST_PREFIX = 60
# Standfirsts never sit in these: a description repeated there is a teaser or a share widget.
STANDFIRST_EXCLUDED_ANCESTORS = frozenset(
    {"a", "nav", "footer", "aside", "form", "button", "li", "figcaption", "script", "style", "noscript", "template"}
)
_STANDFIRST_TAGS = frozenset(
    {"p", "div", "span", "section", "header", "h2", "h3", "h4", "strong", "b", "em", "i", "blockquote", "td", "dd", "summary"}
)
_TRAILING_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[…\]|\[\.\.\.\])\s*$")

_INLINE_LINK_SPANS = XPath("//p//span[contains(concat(' ', normalize-space(@class), ' '), ' link ')]")

# Where a page declares its charset: <meta charset>, <meta http-equiv> or an XML declaration.
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
# Browsers (WHATWG Encoding) read these labels as windows-1252, and so do the pages that use them.
_WINDOWS_1252_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "cp819"})
# Declarations sit in the first bytes of a page; scanning further finds quoted markup in articles.
_CHARSET_SCAN_BYTES = 4096

# A top-level block of trafilatura's body, with what the boilerplate rules see of it.
Block = tuple[etree._Element, boilerplate.Block]


class ExtractionError(ValueError):
    """Nothing that reads as an article could be extracted from the page."""


@dataclass(frozen=True)
class Extraction:
    """The story in a page: its text and sanitised HTML, and what the page says about it."""

    url: str | None
    title: str | None
    author: str | None
    published: str | None  # ISO 8601 date, e.g. "2026-03-02"
    language: str | None  # primary language subtag, e.g. "en"
    image: str | None
    text: str  # plain text, paragraphs separated by one blank line
    html: str  # sanitised article HTML
    # Fingerprints of the page's short blocks before per-source learning
    # judged them, for that learning (newsdesk/wire/source_boilerplate.py).
    block_digests: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def as_dict(self) -> dict[str, str | None]:
        """The extraction as a JSON-ready dict: the page's fields in declaration order."""
        return {name: getattr(self, name) for name in JSON_FIELDS}


JSON_FIELDS = ("url", "title", "author", "published", "language", "image", "text", "html")


def extract(
    html: str | bytes,
    url: str | None = None,
    fast: bool = False,
    learnt: frozenset[str] | set[str] = frozenset(),
    options: dict | None = None,
    metadata: bool = True,
    date: bool = True,
) -> Extraction:
    """Extract the story from a saved page; raise ExtractionError if it holds none.

    html may be bytes in any encoding the page declares (or that can be
    detected); url, when known, resolves relative links and fills ``url`` when
    the page names no canonical address.

    The page is parsed once and trafilatura runs once on it, giving text, HTML
    and metadata together. ``fast`` skips trafilatura's comparison with
    readability and jusText (see docs/wire-extraction.md for what that costs
    and saves). ``learnt`` holds the digests of blocks known to be one
    source's furniture (newsdesk/wire/source_boilerplate.py). ``options``
    overrides TRAFILATURA_OPTIONS, for measuring other configurations.
    ``metadata=False`` leaves out the page's title, author, date and
    picture (None in the result) for a caller that has them already: the
    text is the same, for about a fifth less time a page (trafilatura's
    metadata search looks for authors, categories, tags and licences all
    over the page). ``date=False`` leaves out the date alone (htmldate's
    search, about 1.6 ms a page), for a caller that takes its dates elsewhere.
    """
    tree = _parse(html)
    document = _run(tree, url, TRAFILATURA_OPTIONS | {"fast": fast} | (options or {}), metadata, date)
    if document is None:
        raise ExtractionError("no article text found in the page")
    return _story(tree, document, url, learnt)


def _story(tree: HtmlElement, document, url: str | None, learnt) -> Extraction:
    """Steps 3 to 6 on trafilatura's Document for the page's tree."""
    blocks = _blocks(document.body)
    digests = tuple(filter(None, (boilerplate.block_digest(block.text) for _, block in blocks)))
    kept_lines = boilerplate.drop_boilerplate([block for _, block in blocks], learnt)
    blocks = [(element, boilerplate.Block(lines, heading=block.heading)) for (element, block), lines in zip(blocks, kept_lines) if lines]
    blocks = _drop_headline(blocks, _headlines(tree, document.title))
    lines = _drop_repeats([line for _, block in blocks for line in block.lines])
    standfirst = _standfirst(tree, lines)
    if standfirst:
        lines.insert(0, standfirst)
    if not lines:
        raise ExtractionError("the page holds only boilerplate")

    body_html = _render_html(document.body, {id(element) for element, _ in blocks})
    if standfirst:
        body_html = f"<p>{_escape(standfirst)}</p>{body_html}"
    page_url = url or document.url
    return Extraction(
        url=page_url,
        title=document.title or None,
        author=document.author or None,
        published=document.date or None,
        language=_language(tree),
        image=urljoin(page_url, document.image) if page_url and document.image else document.image or None,
        text="\n\n".join(lines),
        html=sanitise_html(body_html, base_url=page_url),
        block_digests=digests,
    )


# 1. decoding and parsing


def _parse(html: str | bytes) -> HtmlElement:
    """Decode and parse the page once; every trafilatura run works on a copy of this tree."""
    text = _decode(html) if isinstance(html, bytes) else html
    if not text or not text.strip():
        raise ExtractionError("the page is empty")
    tree = trafilatura.load_html(text)
    if tree is None:
        raise ExtractionError("the page could not be parsed as HTML")
    # Precision mode deletes every element whose class is "link", which on some
    # news sites (CBS News, for one) is the span wrapping a link in mid-sentence:
    # the sentence then loses its words. Such a span is part of its paragraph.
    for span in _INLINE_LINK_SPANS(tree):
        span.tag = "newsdesk-unwrap"
    strip_tags(tree, "newsdesk-unwrap")
    return tree


def _decode(data: bytes) -> str:
    """Decode page bytes: byte-order mark, then the declared charset, then UTF-8, then detection."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    declared = _declared_charset(data[:_CHARSET_SCAN_BYTES])
    for encoding in filter(None, (declared, "utf-8")):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode(declared or "windows-1252", errors="replace")


def _declared_charset(head: bytes) -> str | None:
    """The charset the page declares, as a Python codec name, or None."""
    match = _DECLARED_CHARSET.search(head)
    if not match:
        return None
    label = (match[1] or match[2]).decode("ascii").strip().lower()
    if label in _WINDOWS_1252_LABELS:
        return "windows-1252"
    if label.startswith(("utf-16", "utf-32", "ucs-2")):
        return "utf-8"  # a page that can declare it in ASCII is not in UTF-16; browsers read UTF-8 too
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _run(tree: HtmlElement, url: str | None, options: dict, metadata: bool = True, date: bool = True):
    """The one trafilatura run: its Document (with metadata, if asked), or None when it found no text."""
    try:
        # Read before extracting, as trafilatura does: its extraction prunes the tree in place.
        found = _page_metadata(tree, url, date) if metadata else None
        document = trafilatura.bare_extraction(tree, url=url, with_metadata=False, **options)
        if document is not None and found is not None:
            for name in ("title", "author", "date", "image", "url"):
                setattr(document, name, getattr(found, name))
        return document
    except Exception as error:  # noqa: BLE001 - see below
        # trafilatura and htmldate have their own bugs on hostile markup (an
        # <applet> around empty paragraphs trips an assertion in htmldate's
        # cleaner): whatever they raise, the page is one we cannot read.
        raise ExtractionError(f"The page could not be read ({error.__class__.__name__})") from None


# 2-4. blocks, boilerplate and the headline


def _blocks(body: etree._Element) -> list[Block]:
    """The body's top-level blocks, each with its lines of text and the characters in its links."""
    # trafilatura renders links as Markdown in text: the text comes from a copy without them
    plain = deepcopy(body)
    strip_tags(plain, "ref")
    blocks = []
    for element, plain_element in zip(body, plain):
        lines = _lines(plain_element)
        if lines:
            link_characters = sum(len(_normalise("".join(ref.itertext()))) for ref in element.iter("ref"))
            block = boilerplate.Block(
                lines, link_characters=link_characters, heading=element.tag == "head", is_list=element.tag == "list"
            )
            blocks.append((element, block))
    return blocks


def _lines(element: etree._Element) -> list[str]:
    """The lines of text trafilatura renders for one block, stripped and without blanks."""
    return [line.strip() for line in xmltotxt(element, include_formatting=False).splitlines() if line.strip()]


def _headlines(tree: HtmlElement, title: str | None) -> set[str]:
    """The page's headline as it may repeat at the top of the body: its <h1>s and its title."""
    headlines = {_normalise(h1.text_content()) for h1 in tree.iter("h1")}
    if title:
        headlines.add(_normalise(title))
    return headlines - {""}


def _drop_headline(blocks: list[Block], headlines: set[str]) -> list[Block]:
    """Drop a first line that repeats the headline: ``title`` carries it, the body should not."""
    if blocks and _normalise(blocks[0][1].lines[0]) in headlines:
        element, block = blocks[0]
        rest = block.lines[1:]
        blocks = ([(element, boilerplate.Block(rest, heading=block.heading, is_list=block.is_list))] if rest else []) + blocks[1:]
    return blocks


def _drop_repeats(lines: list[str]) -> list[str]:
    """Drop exact repeats of a line (pull quotes, doubled captions); a story says each thing once."""
    seen = set()
    unique = []
    for line in lines:
        key = _normalise(line)
        if key in seen and len(key.split()) > 3:
            continue
        seen.add(key)
        unique.append(line)
    return unique


# 5. the standfirst


def _standfirst(tree: HtmlElement, lines: list[str]) -> str | None:
    """The page's standfirst when the extracted lines lack it, found through the page description.

    News pages set the lead between headline and body, outside the article
    container trafilatura picks, and repeat it as their meta description.
    """
    descriptions = []
    for meta in tree.iterfind(".//meta"):
        if (meta.get("name") or meta.get("property") or "").lower() in {"description", "og:description", "twitter:description"}:
            description = _normalise(_TRAILING_ELLIPSIS.sub("", meta.get("content") or ""))
            if len(description.split()) >= STANDFIRST_MIN_WORDS and description not in descriptions:
                descriptions.append(description)
    body = tree.find(".//body")
    if not descriptions or body is None:
        return None

    best = None
    for element in body.iter(*_STANDFIRST_TAGS):
        own = _normalise(element.text or "")
        if len(own) < 5 or not any(d.startswith(own[:STANDFIRST_PREFIX]) or own.startswith(d[:STANDFIRST_PREFIX]) for d in descriptions):
            continue
        # the description may start in a child (<p><strong>Berlin.</strong> …): look at the element and its parents
        for candidate in (element, *list(element.iterancestors())[:3]):
            if not isinstance(candidate.tag, str) or candidate.tag not in _STANDFIRST_TAGS:
                continue
            text = _normalise(candidate.text_content())
            if best is not None and len(text) >= len(best):
                break
            if _is_standfirst(text, descriptions) and not any(
                a.tag in STANDFIRST_EXCLUDED_ANCESTORS for a in candidate.iterancestors()
            ):
                best = text
                break
    if best is None or len(best.split()) < STANDFIRST_MIN_WORDS:
        return None
    extracted = _normalise(" ".join(lines))
    if best[:80] in extracted:
        return None
    return best


def _is_standfirst(text: str, descriptions: list[str]) -> bool:
    """Whether a block's text is the lead that a page description repeats or cuts short."""
    return any(
        text.startswith(d[:STANDFIRST_PREFIX])
        and len(text) <= STANDFIRST_MAX_GROWTH * len(d) + STANDFIRST_MAX_EXTRA_CHARACTERS
        for d in descriptions
    )


# 6. HTML


def _render_html(body: etree._Element, kept: set[int]) -> str:
    """The kept blocks of the run's body as HTML, with pictures next to a kept block."""
    elements = list(body)
    verdicts = []
    for element in elements:
        if not _normalise("".join(element.itertext())):
            verdicts.append(None)  # a picture: decided by its neighbours below
        else:
            verdicts.append(id(element) in kept)
    body = deepcopy(body)
    for index, (element, keep) in enumerate(zip(list(body), verdicts)):
        if keep is None:
            keep = any(v for v in verdicts[max(index - 1, 0) : index] + verdicts[index + 1 : index + 2])
        if not keep:
            body.remove(element)
    return _to_html(body)


def _to_html(body: etree._Element) -> str:
    """Map trafilatura's XML (head, hi, list, item, quote, ref, graphic, lb, table) to HTML."""
    for element in list(body.iter()):
        tag, rend = element.tag, element.get("rend") or ""
        if not isinstance(tag, str):
            continue
        attributes = {}
        if tag == "head":
            tag = {"h1": "h2", "h2": "h2", "h3": "h3"}.get(rend, "h4")
        elif tag == "hi":
            tag = {"#b": "strong", "#strong": "strong", "#i": "em", "#em": "em", "#u": "em", "#t": "code"}.get(rend, "span")
        elif tag == "list":
            tag = "ol" if rend == "ol" else "ul"
        elif tag == "item":
            tag = "li"
        elif tag == "quote":
            tag = "blockquote"
        elif tag == "ref":
            tag, attributes = "a", {"href": element.get("target") or ""}
        elif tag == "graphic":
            tag, attributes = "img", {k: element.get(k) for k in ("src", "alt") if element.get(k)}
        elif tag == "lb":
            tag = "br"
        elif tag == "code":
            tag = "pre" if element.getparent() is body else "code"
        elif tag in {"table", "row", "cell"}:
            tag = {"table": "div", "row": "p", "cell": "span"}[tag]
            if element.tag == "cell" and element.getnext() is not None:
                element.tail = (element.tail or "") + " | "
        elif tag not in {"p", "body"}:
            tag = "span"  # unknown markup: the sanitiser unwraps it and keeps the text
        element.attrib.clear()
        element.attrib.update(attributes)
        element.tag = tag
    inner = [_escape(body.text or "")] + [etree.tostring(child, method="html", encoding="unicode") for child in body]
    return "".join(inner)


# metadata


def _page_metadata(tree: HtmlElement, url: str | None, date: bool = True):
    """The page's title, author, date, picture and address (a trafilatura Document), as its metadata search finds them.

    trafilatura.metadata.extract_metadata, step by step, for the fields a
    story reads: its search for categories, tags, licence and site name
    (about 30% of its time, every link of the page read) is left out.
    """
    found = page_metadata.examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None  # a user name, not a byline (trafilatura's own rule)
    try:
        found = page_metadata.extract_meta_json(tree, found)
    except Exception:  # noqa: BLE001 - trafilatura guards its JSON-LD reader the same way
        pass
    found.title = found.title or page_metadata.extract_title(tree)
    found.author = found.author or page_metadata.extract_author(tree)
    found.url = found.url or page_metadata.extract_url(tree, url)
    found.date = find_date(tree, url=found.url, **DATE_OPTIONS) if date else None
    found.clean_and_trim()
    return found


def _language(tree: HtmlElement) -> str | None:
    """The page's declared language as a primary subtag ("en" for "en-GB"), or None."""
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in tree.iterfind(".//meta"):
        key = (meta.get("http-equiv") or meta.get("name") or meta.get("property") or "").lower()
        if key in {"content-language", "language", "dc.language", "og:locale"}:
            candidates.append(meta.get("content"))
    for candidate in candidates:
        primary = re.split(r"[-_,;\s]", (candidate or "").strip().lower())[0]
        if re.fullmatch(r"[a-z]{2,3}", primary):
            return primary
    return None


def _normalise(text: str) -> str:
    """Text with runs of whitespace collapsed, for comparing lines across runs and pages."""
    return " ".join(text.split())


def _escape(text: str) -> str:
    """Text escaped for an HTML text node."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
