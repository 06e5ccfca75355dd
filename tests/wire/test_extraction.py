"""Extraction of stories from saved pages: the body only, quotes kept, metadata read."""

from pathlib import Path

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
