"""Per-source learning: a block on most of one source's pages is dropped from that source's pages only."""

import pytest

from newsdesk.wire.models import BoilerplateBlock, Source
from newsdesk.wire.source_boilerplate import LEARNT_MIN_PAGES, extract_for_source

pytestmark = pytest.mark.django_db

# Reads as prose, so no rule that looks at one page can tell it from the story.
FOOTER = "Every donation keeps our reporters in the field for another day, and we thank all of our readers for it."
TOWNS = ["Kalum", "Teradi", "Port Ashen", "Velmar", "Oston", "Brisk", "Harlow", "Denby"]


def story_page(number: int, footer: str = FOOTER) -> str:
    town = TOWNS[number]
    paragraphs = [
        f"The council of {town} voted on Tuesday to rebuild the river wall that failed during the floods of story {number}.",
        f"Engineers told the meeting in {town} that the new wall would rise two metres higher than the old one had done.",
        f"Residents of {town} said they had waited {number + 3} months for a decision and would now start raising money.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><body><article><h1>{town} rebuilds</h1>{body}<p>{footer}</p></article></body></html>"


@pytest.fixture
def herald():
    return Source.objects.create(name="Herald", url="https://herald.example/feed")


def test_block_on_most_pages_of_a_source_is_dropped_after_enough_pages(herald):
    """The footer stays while the source is new, and goes once most of its pages have shown it."""
    early = [extract_for_source(herald, story_page(n)) for n in range(LEARNT_MIN_PAGES)]
    later = extract_for_source(herald, story_page(LEARNT_MIN_PAGES))

    assert all(FOOTER in extraction.text for extraction in early)
    assert FOOTER not in later.text
    assert FOOTER not in later.html
    assert f"The council of {TOWNS[LEARNT_MIN_PAGES]} voted on Tuesday" in later.text


def test_learning_is_per_source(herald):
    """Another source's page keeps the same block: it is furniture for the Herald only."""
    for n in range(LEARNT_MIN_PAGES + 1):
        extract_for_source(herald, story_page(n))
    other = Source.objects.create(name="Courier", url="https://courier.example/feed")

    assert FOOTER in extract_for_source(other, story_page(7)).text


def test_block_on_a_few_pages_is_kept(herald):
    """A paragraph two pages share (a quoted statement) is not on most pages and stays."""
    statement = "The minister said in a statement that the government would pay for half of the new river walls."
    for n in range(LEARNT_MIN_PAGES + 1):
        extract_for_source(herald, story_page(n, footer=statement if n < 2 else f"Story {n} ends here, on its own words."))

    assert statement in extract_for_source(herald, story_page(7, footer=statement)).text


def test_the_store_counts_pages_and_blocks(herald):
    """One row counts the source's pages; each short block's row counts the pages that held it."""
    for n in range(3):
        extract_for_source(herald, story_page(n))

    counts = dict(BoilerplateBlock.objects.filter(source=herald).values_list("digest", "pages"))
    assert counts.pop("") == 3
    assert 3 in counts.values()  # the footer
    assert 1 in counts.values()  # each story's own paragraphs
