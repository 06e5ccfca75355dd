"""Extraction: the story in a saved page (text, article HTML, metadata) without the page's boilerplate.

Built on trafilatura. The steps, in order:

1. decode the page (declared charset first) and parse it once;
2. run trafilatura in its balanced mode and in its precision mode on the same tree,
   keeping the precision result unless it threw away a large part of the text;
3. drop the boilerplate lines trafilatura lets through (share prompts, copyright
   lines, newsletter boxes, "Read more" teasers, "Recent Posts" blocks, credits);
4. drop a leading repeat of the headline, which ``title`` already carries;
5. put back the standfirst (the lead under the headline) when trafilatura left it out;
6. render the kept blocks as sanitised HTML, links and images included.

Pure Python: nothing here imports Django, so the CLI and the benchmarks use it as is.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from copy import deepcopy
from dataclasses import asdict, dataclass
from urllib.parse import urljoin

import trafilatura
from charset_normalizer import from_bytes
from lxml import etree
from lxml.etree import XPath, strip_tags
from lxml.html import HtmlElement
from trafilatura.xml import xmltotxt

from newsdesk.wire.sanitising import sanitise_html

__all__ = ["Extraction", "ExtractionError", "extract"]

# trafilatura options for the text. Comments are never part of a story. Links
# and images are left out of the runs that choose the text: with them on,
# trafilatura weighs link-dense and image blocks differently and F1 on the
# evaluation set drops from 0.926 to 0.917 (links) and 0.914 (images).
TEXT_OPTIONS = {
    "include_comments": False,
    "include_tables": True,
    "include_formatting": False,
    "include_links": False,
    "include_images": False,
}
# The same run with inline markup, links and images, used only to render the
# HTML of the blocks the text run kept.
HTML_OPTIONS = TEXT_OPTIONS | {"include_formatting": True, "include_links": True, "include_images": True}
# That run is used when it holds at least this share of the kept blocks;
# otherwise it chose differently and the HTML is rendered from the text run.
RICH_HTML_MIN_AGREEMENT = 0.8

# Dates come from the page's metadata (meta tags, JSON-LD, <time>) and URL.
# htmldate's extensive search also parses dates out of the visible text with
# dateparser, which costs about 4 s of start-up per process and mostly finds
# dates of comments and teasers; feeds carry the publication date anyway.
DATE_OPTIONS = {"original_date": True, "extensive_search": False}

# Precision mode mostly trims tails (related links, author boxes, "read next"
# lists). When it keeps at least this share of the balanced text it did just
# that and we take it; below, it has usually cut real paragraphs. Swept 0.5-1.0
# on the evaluation set: 0.9 scores best (F1 0.9271 vs 0.9255 balanced alone).
PRECISION_MIN_SHARE = 0.9

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

# Boilerplate lines. Each pattern must match a whole block line (case-insensitive)
# and starts with a fixed label, so a line that does not start with one fails at
# once. They are length-bounded so that a real sentence that happens to start
# with "Share", "Related" or "Ad" is kept.
_BOILERPLATE_LINES = [
    # share prompts: "Share this:", "Share on Facebook", "Teilen mit:"
    r"(?:share|teilen|partager|compartir|condividi|udostępnij)(?:\s+(?:this|it|on|via|mit|article|story|post|page|now|with|diesen|artikel|cet|article))*\s*[:!.]?(?:\s.{0,60})?",
    # copyright lines: "© 2026, Example Herald. All rights reserved.", "Copyright 2020 …", picture copyrights
    r"(?:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4}|:)).{0,300}",
    # newsletter and subscription prompts: "Sign up for the CorkBeo newsletter", "PC Gamer Newsletter"
    r"(?:sign up|subscribe|abonnieren sie|suscr[ií]bete|inscrivez-vous)\b.{0,150}",
    r"(?:follow|síguenos|siguenos|folgen sie uns|suivez-nous)\b.{0,60}\b(?:twitter|facebook|instagram|telegram|linkedin|youtube|tiktok|whatsapp)\b.{0,120}",
    # teasers for other stories: "Read more: …", "Lesen Sie auch: …", "À lire aussi » …", "Lea también: …"
    (
        r"(?:read more|read also|also read|read next|see also|related|more from|more|recommended|you may also like|you might also like|don't miss|"
        r"lesen sie (?:auch|mehr|hier)|auch lesen|schon gelesen|mehr zum thema|mehr themen|zum weiterlesen|weiterlesen|auch interessant|"
        r"das könnte sie auch interessieren|weitere artikel|à lire aussi|lire aussi|voir aussi|lee también|leer también|lea también|"
        r"vea también|lee más|leer más|más sobre|te puede interesar|le puede interesar|czytaj (?:też|także|również|więcej)|"
        r"dowiedz się więcej|leggi anche)"
        r"\s*(?:[:»>|?–-].{0,150})?"
    ),
    # bylines, dates and ages, which the metadata carries
    r"(?:published|posted|written|reported|edited) by:?\s+\S.{0,80}",
    r"(?:updated |published )?\d+ (?:second|minute|hour|day|week|month|year)s? ago",
    r"(?:release date|published|veröffentlicht|updated|aktualisiert)(?: on| am)?\s*:.{0,40}",
    # filing labels: "Category: Press Releases", "Tags: …"
    r"(?:category|categories|kategorie|tags?|schlagworte|filed under|topics)\s*:.{0,150}",
    # picture credits: "Photo: Jane Doe", "(Bild: dpa)", "Photograph: Getty Images"
    r"\(?(?:photo|photograph|image|picture|illustration|credit|foto|bild|fotos|photos|credits|titelbild|beitragsbild)(?: credits?)?\s*:.{0,120}\)?",
    # advertising labels: "Advertisement", "Anzeige, enthält Affiliate Links", "*Werbung. …"
    r"\*?(?:advertisement|anzeige|werbung|publicidad|publicité|sponsored(?: content| post)?|paid (?:post|content)|ad)(?:\s*[,.:–-]\s*.{0,100})?",
    # comment prompts and counters
    r"(?:leave a (?:comment|reply)|\d+ comments?|comments?\s*\(\d+\)|no comments(?: yet)?|keine kommentare)",
]
_BOILERPLATE = re.compile("|".join(f"(?:{pattern})" for pattern in _BOILERPLATE_LINES), re.IGNORECASE)
# Boilerplate that may stand anywhere in a short line: each entry is a set of
# phrases all of which must occur, and the longest line it may condemn.
_BOILERPLATE_PHRASES = [
    # "Found this useful? Share it with your friends."
    ((re.compile(r"\b(?:share (?:this|it) (?:with|on)|teilen sie (?:dies|diesen))\b", re.IGNORECASE),), 160),
    # "Copyright 2023 Sunbeam Television Corp. All rights reserved. This material may not be …"
    ((re.compile(r"\b(?:all rights reserved|alle rechte vorbehalten|tous droits réservés|todos los derechos reservados)\b", re.IGNORECASE),), 300),
    # "Want more recipes? Subscribe to our newsletter and …", "PC Gamer Newsletter"
    ((re.compile(r"\bnewsletter", re.IGNORECASE), re.compile(r"\b(?:sign up|subscribe|abonn|inscri|suscr|register|inbox|posteingang)", re.IGNORECASE)), 300),
    ((re.compile(r"^.{0,50}\bnewsletter\W*$", re.IGNORECASE),), 60),
    # paywall prompts: "Subscribe now to our eNATION edition for the full story."
    ((re.compile(r"\b(?:for the full story|to continue reading|to read the full (?:story|article)|already a subscriber)\b", re.IGNORECASE),), 250),
    # "For the latest stories … download the Nationnews apps for iOS and Android."
    ((re.compile(r"\bdownload (?:the|our)\b", re.IGNORECASE), re.compile(r"\bapps?\b", re.IGNORECASE)), 180),
]
# Every pattern above is bounded: a longer line is never boilerplate, and is not matched at all.
_BOILERPLATE_MAX_LENGTH = 400
# A byline standing alone: "By Jane Doe", "By U.S. CUSTOMS AND BORDER PROTECTION", "By Jane Doe and John Roe".
# Case matters here (names are capitalised), which keeps "By noon, …" and "By then …".
_BYLINE = re.compile(r"By [A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|and|&|for|in|of|de|van|von)){0,8}")

# A heading that opens a block of other stories; it and the teasers under it go.
_TEASER_SECTION = re.compile(
    r"(?:recent|related|popular|latest|more|top|trending|other|similar|further)\s+"
    r"(?:posts|articles|stories|news|reads|links|content|coverage|recipes)\s*:?|"
    r"related|see also|read also|recommended|you may also like|editor'?s picks|"
    r"most (?:read|popular|viewed|shared)|more on this story|read (?:more|next)|what to read next|"
    r"weitere (?:artikel|beiträge|meldungen|nachrichten|themen)|empfohlene beiträge|meistgelesen|mehr zum thema|mehr themen|"
    r"top-themen|das könnte (?:sie|dich) auch interessieren|auch interessant|"
    r"sur le même sujet|à lire aussi|articles (?:liés|similaires)|(?:notas|noticias|artículos) relacionad[oa]s|"
    r"te puede interesar|czytaj (?:też|także)|tags|schlagworte|comments|kommentare|newsletter",
    re.IGNORECASE,
)
# A teaser under such a heading: a short title, an excerpt cut with "…", an age.
_TEASER_MAX_LENGTH = 120
_CUT_EXCERPT = re.compile(r"(?:…|\.\.\.|\[…\])\s*$")


# A top-level block of trafilatura's body, with its lines of text.
Block = tuple[etree._Element, list[str]]


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

    def as_dict(self) -> dict[str, str | None]:
        """The extraction as a JSON-ready dict, fields in declaration order."""
        return asdict(self)


def extract(html: str | bytes, url: str | None = None, fast: bool = False) -> Extraction:
    """Extract the story from a saved page; raise ExtractionError if it holds none.

    html may be bytes in any encoding the page declares (or that can be
    detected); url, when known, resolves relative links and fills ``url`` when
    the page names no canonical address.

    ``fast`` makes one trafilatura run instead of three: no precision run to
    compare with, and the HTML rendered from the text run, without links or
    inline formatting. On the evaluation set it scores F1 0.941 against
    0.943 and extracts about 2.3 times as many pages a second (see
    docs/wire-extraction.md).
    """
    tree = _parse(html)
    balanced = _run(tree, url, TEXT_OPTIONS, with_metadata=True)
    if balanced is None:
        raise ExtractionError("no article text found in the page")
    precise = None if fast else _run(tree, url, TEXT_OPTIONS | {"favor_precision": True})
    favor_precision = precise is not None and len(precise.text or "") >= PRECISION_MIN_SHARE * len(balanced.text or "")
    chosen = precise if favor_precision else balanced

    blocks = _drop_boilerplate(_blocks(chosen.body))
    blocks = _drop_headline(blocks, _headlines(tree, balanced.title))
    lines = _drop_repeats([line for _, block_lines in blocks for line in block_lines])
    standfirst = _standfirst(tree, lines)
    if standfirst:
        lines.insert(0, standfirst)
    if not lines:
        raise ExtractionError("the page holds only boilerplate")

    rich = None if fast else _run(tree, url, HTML_OPTIONS | {"favor_precision": favor_precision})
    kept = Counter(_key(element) for element, _ in blocks)
    body_html = _render_html(rich.body if rich is not None else None, chosen.body, kept)
    if standfirst:
        body_html = f"<p>{_escape(standfirst)}</p>{body_html}"
    page_url = url or balanced.url
    return Extraction(
        url=page_url,
        title=balanced.title or None,
        author=balanced.author or None,
        published=balanced.date or None,
        language=_language(tree),
        image=urljoin(page_url, balanced.image) if page_url and balanced.image else balanced.image or None,
        text="\n\n".join(lines),
        html=sanitise_html(body_html, base_url=page_url),
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


def _run(tree: HtmlElement, url: str | None, options: dict, with_metadata: bool = False):
    """One trafilatura run on a copy of tree: its Document, or None when it found no text."""
    try:
        return trafilatura.bare_extraction(
            tree, url=url, with_metadata=with_metadata, date_extraction_params=DATE_OPTIONS, **options
        )
    except Exception as error:  # noqa: BLE001 - see below
        # trafilatura and htmldate have their own bugs on hostile markup (an
        # <applet> around empty paragraphs trips an assertion in htmldate's
        # cleaner): whatever they raise, the page is one we cannot read.
        raise ExtractionError(f"The page could not be read ({error.__class__.__name__})") from None


# 2-4. blocks, boilerplate and the headline


def _blocks(body: etree._Element) -> list[Block]:
    """The body's top-level blocks, each with its lines of text."""
    blocks = []
    for element in body:
        lines = _lines(element)
        if lines:
            blocks.append((element, lines))
    return blocks


def _lines(element: etree._Element) -> list[str]:
    """The lines of text trafilatura renders for one block, stripped and without blanks."""
    return [line.strip() for line in xmltotxt(element, include_formatting=False).splitlines() if line.strip()]


def _drop_boilerplate(blocks: list[Block]) -> list[Block]:
    """Drop boilerplate lines, and each teaser section with the teasers under it."""
    kept = []
    in_teasers = False
    for element, lines in blocks:
        if len(lines) == 1 and _TEASER_SECTION.fullmatch(lines[0].rstrip(":").strip()):
            in_teasers = True
            continue
        if in_teasers and _is_teaser_block(element, lines):
            continue
        in_teasers = False
        lines = [line for line in lines if not _is_boilerplate(line)]
        if lines:
            kept.append((element, lines))
    return kept


def _is_boilerplate(line: str) -> bool:
    """A share prompt, copyright line, newsletter box, teaser link, byline, credit or label."""
    if len(line) > _BOILERPLATE_MAX_LENGTH:
        return False
    if _BOILERPLATE.fullmatch(line) or _BYLINE.fullmatch(line):
        return True
    return any(len(line) <= limit and all(p.search(line) for p in phrases) for phrases, limit in _BOILERPLATE_PHRASES)


def _is_teaser_block(element: etree._Element, lines: list[str]) -> bool:
    """A list of links, a short title, a cut excerpt or an age: what follows a "Recent Posts" heading.

    A heading ends the teasers: the story (or another section of it) goes on.
    """
    if element.tag == "head":
        return False
    if element.tag == "list":
        return True
    return all(len(line) <= _TEASER_MAX_LENGTH or _CUT_EXCERPT.search(line) for line in lines)


def _headlines(tree: HtmlElement, title: str | None) -> set[str]:
    """The page's headline as it may repeat at the top of the body: its <h1>s and its title."""
    headlines = {_normalise(h1.text_content()) for h1 in tree.iter("h1")}
    if title:
        headlines.add(_normalise(title))
    return headlines - {""}


def _drop_headline(blocks: list[Block], headlines: set[str]) -> list[Block]:
    """Drop a first line that repeats the headline: ``title`` carries it, the body should not."""
    if blocks and _normalise(blocks[0][1][0]) in headlines:
        element, lines = blocks[0]
        blocks = ([(element, lines[1:])] if lines[1:] else []) + blocks[1:]
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


def _render_html(rich_body, plain_body, kept: Counter) -> str:
    """The kept blocks as HTML, from the run with links and images when it agrees with the text."""
    if rich_body is not None:
        body, matched = _prune(deepcopy(rich_body), kept)
        # the rich run may have settled on another part of the page: then render the plain blocks
        if matched >= RICH_HTML_MIN_AGREEMENT * sum(kept.values()):
            return _to_html(body)
    body, _ = _prune(deepcopy(plain_body), kept)
    return _to_html(body)


def _prune(body: etree._Element, kept: Counter) -> tuple[etree._Element, int]:
    """Keep only the body blocks the text kept, and pictures next to them; count the blocks matched."""
    available = Counter(kept)
    verdicts = []
    for element in list(body):
        key = _key(element)
        if not key:
            verdicts.append((element, None))  # a picture: decided by its neighbours below
            continue
        keep = available[key] > 0
        available[key] -= keep
        verdicts.append((element, keep))
    for index, (element, keep) in enumerate(verdicts):
        if keep is None:
            keep = any(v for _, v in verdicts[max(index - 1, 0) : index] + verdicts[index + 1 : index + 2])
        if not keep:
            body.remove(element)
    return body, sum(bool(keep) for _, keep in verdicts)


def _key(element: etree._Element) -> str:
    """A block's text without markup, for finding the same block in another run."""
    return _normalise("".join(element.itertext()))


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
