"""Extraction of stories from saved pages: the body only, quotes kept, metadata read."""

import dataclasses
from pathlib import Path
from urllib.parse import urljoin

import pytest

from newsdesk.wire.extraction import Extraction, ExtractionError, extract

RESOURCES = Path(__file__).parent / "resources"

STORY_PARAGRAPHS = [
    "Residents of three river towns in the southern delta spent the weekend hauling sandbags",
    "The floods of late January swept through Kalum, Teradi and Port Ashen in a single night",
    "Engineers from the provincial water authority say the earthen embankments were built",
    "The town council of Kalum has asked the national government for emergency funds",
    "Until then the work is done by hand.",
]
STORY_QUOTE = "We are rebuilding the same wall that failed us"
BOILERPLATE = [
    "Example Herald, 14 Quay Street",  # footer
    "Independent news since 1998",  # masthead
    "Business",  # navigation
    "WORLD",  # section label
    "Found this useful? Share it",  # share call to action
    "Facebook",  # share links
    "© 2026, Example Herald. All rights reserved.",  # copyright line
    "Published by",  # byline
    "Recent Posts",
    "Port strike ends after nine days of talks",  # a recent post's title
    "Dock workers accepted a new contract",  # its excerpt
    "…",
    "7 hours ago",  # its age
    "16 hours ago",
    "Sign up for our newsletter",  # newsletter box
    "My grandparents lived in Teradi",  # comments
    "Leave a Reply",
]


def read(name: str) -> bytes:
    return (RESOURCES / name).read_bytes()


@pytest.mark.parametrize(
    "page",
    [
        "republished_story.html",
        # the copier's boilerplate sits inside the article body, without tell-tale classes
        "republished_story_inline_boilerplate.html",
    ],
)
@pytest.mark.parametrize("fast", [False, True], ids=["thorough", "fast"])
def test_republished_story_yields_only_the_story(page, fast):
    """A republished story comes out as its paragraphs and quote, without the copier's boilerplate."""
    extraction = extract(read(page), fast=fast)

    for paragraph in STORY_PARAGRAPHS + [STORY_QUOTE]:
        assert paragraph in extraction.text
    for boilerplate in BOILERPLATE:
        assert boilerplate not in extraction.text
        assert boilerplate not in extraction.html
    # the headline is the title, not the first line of the body
    assert not extraction.text.startswith("Flooded delta towns")


def test_paragraphs_are_separated_by_one_blank_line():
    """The text has one paragraph a block, separated by exactly one blank line."""
    text = extract(read("republished_story.html")).text

    blocks = text.split("\n\n")
    assert len(blocks) == len(STORY_PARAGRAPHS) + 1
    assert all(block.strip() == block and "\n" not in block for block in blocks)
    assert blocks[0].startswith(STORY_PARAGRAPHS[0])
    assert blocks[3].startswith(STORY_QUOTE)


@pytest.mark.parametrize("fast", [False, True], ids=["thorough", "fast"])
def test_block_quote_survives_as_blockquote(fast):
    """A quotation in the story stays a <blockquote> in the HTML."""
    html = extract(read("republished_story.html"), fast=fast).html

    start = html.index("<blockquote>")
    assert STORY_QUOTE in html[start : html.index("</blockquote>")]
    assert html.count("<p>") == len(STORY_PARAGRAPHS) + 1


def test_metadata_comes_from_the_page():
    """Title, author, date, language and image come from the page's meta tags."""
    extraction = extract(read("republished_story.html"))

    assert extraction.title == "Flooded delta towns race to rebuild before the monsoon returns"
    assert extraction.author == "Jane Doe"
    assert extraction.published == "2026-03-02"
    assert extraction.language == "en"
    assert extraction.image == "https://herald.example/media/levee-crew.jpg"
    assert extraction.url == "https://herald.example/world/flooded-delta-towns-race-to-rebuild"


def test_without_metadata_the_story_is_the_same_and_the_page_s_fields_are_left_out():
    """metadata=False, for a caller holding the title, author and picture already: same text, less work."""
    full = extract(read("republished_story.html"), url="https://herald.example/world/1")
    bare = extract(read("republished_story.html"), url="https://herald.example/world/1", metadata=False)

    assert (bare.text, bare.html, bare.language, bare.url) == (full.text, full.html, full.language, full.url)
    assert (bare.title, bare.author, bare.published, bare.image) == (None, None, None, None)
    assert full.author == "Jane Doe"


def test_without_the_date_only_the_date_is_left_out():
    """date=False, as the pipeline asks (an item keeps its feed's time): htmldate's search is skipped."""
    full = extract(BYLINE_PAGE, url="https://gazette.example/harbour-dues")
    undated = extract(BYLINE_PAGE, url="https://gazette.example/harbour-dues", date=False)

    assert full.published == "2026-02-11"
    assert undated.published is None
    assert undated == dataclasses.replace(full, published=None)


BYLINE_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<meta property="og:image" content="/media/harbour.jpg"></head><body>
<header><a href="/">Harbour Gazette</a> <a href="/tag/ports">Ports</a> <a href="/category/business">Business</a></header>
<article><h1>Harbour dues rise for the first time in a decade</h1>
<p class="byline">By <span class="author">Ana Ferreira</span>, <time datetime="2026-02-11">11 February 2026</time></p>
<p>The harbour board voted on Tuesday to raise mooring dues by six per cent from April, the first rise since 2016.</p>
<p>Fishing crews said the rise would fall hardest on the smallest boats, which pay the same fee per berth as yachts.</p>
<p>The board said the money would repair the north quay, closed since a storm cracked its wall last winter.</p>
</article><footer><a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a></footer></body></html>"""


@pytest.mark.parametrize("page", ["republished_story.html", "windows1252_story.html", "byline"])
def test_the_page_s_fields_are_those_trafilatura_s_metadata_search_finds(page):
    """Title, author, date, picture and address as trafilatura.extract_metadata gives them.

    Extraction runs its steps for these fields only, not its search for
    categories, tags and licence: this pins the two to the same answers.
    """
    import trafilatura
    from trafilatura.metadata import extract_metadata

    from newsdesk.wire.extraction import DATE_OPTIONS

    html = BYLINE_PAGE if page == "byline" else read(page)
    url = "https://gazette.example/business/harbour-dues"
    found = extract(html, url=url)
    expected = extract_metadata(trafilatura.load_html(html), url, dict(DATE_OPTIONS))

    assert found.title == expected.title
    assert found.author == expected.author
    assert found.published == expected.date
    assert found.image == (urljoin(url, expected.image) if expected.image else None)
    assert found.url == url
    if page == "byline":
        assert (found.author, found.published) == ("Ana Ferreira", "2026-02-11")
        assert found.image == "https://gazette.example/media/harbour.jpg"


def test_given_url_wins_over_the_canonical_one():
    """The address the page was fetched from is the extraction's url."""
    extraction = extract(read("republished_story.html"), url="https://mirror.example/story/1")

    assert extraction.url == "https://mirror.example/story/1"


def test_as_dict_has_the_json_fields_in_order():
    """The JSON form lists url, title, author, published, language, image, text, html."""
    fields = list(extract(read("republished_story.html")).as_dict())

    assert fields == ["url", "title", "author", "published", "language", "image", "text", "html"]


@pytest.mark.parametrize("page", ["windows1252_story.html", "latin1_declared_story.html"])
def test_pages_in_windows_1252_are_decoded(page):
    """Bytes in windows-1252 (or declared ISO-8859-1, read as browsers do) decode to the right characters."""
    extraction = extract(read(page))

    assert extraction.title == "Le café du Marché rouvre après huit mois de travaux"
    assert "« C’est une renaissance », a déclaré la gérante, Hélène Brûlé" in extraction.text
    assert "85 000 €" in extraction.text
    assert "ouverte en février — un record" in extraction.text
    assert extraction.author == "Amélie Rousseau"
    assert extraction.language == "fr"
    assert "Accueil" not in extraction.text


def test_text_input_is_accepted():
    """An already decoded page gives the same story as its bytes."""
    page = read("republished_story.html")

    assert extract(page.decode("utf-8")).text == extract(page).text


def test_standfirst_outside_the_article_is_put_back():
    """The lead under the headline, repeated as the page description, opens the text."""
    lead = "Three river towns are rebuilding their levees by hand, racing a forecast that gives them six weeks."
    page = read("republished_story.html").decode("utf-8")
    page = page.replace(
        '<meta name="description" content="Residents of three river towns are rebuilding levees by hand as forecasters warn the next monsoon could arrive weeks early.">',
        f'<meta name="description" content="{lead}">',
    ).replace("</h1>", f'</h1>\n    <p class="standfirst">{lead}</p>')

    extraction = extract(page)

    assert extraction.text.startswith(lead + "\n\n" + STORY_PARAGRAPHS[0])
    assert extraction.html.startswith(f"<p>{lead}</p>")


@pytest.mark.parametrize(
    "page",
    [
        b"",
        "   \n",
        "<html><head><title>Nothing</title></head><body></body></html>",
        b"\x00\x01\x02\xff\xfe\x00garbage\x00",
        "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>",
    ],
)
def test_page_without_a_story_raises_extraction_error(page):
    """An empty, garbage or navigation-only page raises ExtractionError."""
    with pytest.raises(ExtractionError):
        extract(page)


def test_extraction_error_is_a_value_error():
    """Callers that catch ValueError also catch a failed extraction."""
    assert issubclass(ExtractionError, ValueError)
    assert set(extract(read("republished_story.html")).as_dict()) == {
        "url", "title", "author", "published", "language", "image", "text", "html",
    }  # fmt: skip
