import pytest

from newsdesk.demo.loader import load_demo, read_newsroom
from newsdesk.stories.models import ArticlePage, Author, SectionPage

pytestmark = pytest.mark.django_db


def test_demo_newsroom_is_a_full_site():
    """At least 40 stories in 6 sections by 4 authors, with images, tags, a correction and quotes."""
    stories = ArticlePage.objects.live()
    assert stories.count() >= 40
    sections = [s for s in SectionPage.objects.live() if ArticlePage.objects.child_of(s).exists()]
    assert len(sections) >= 6
    assert Author.objects.count() >= 4
    assert stories.filter(lead_image__isnull=True).count() == 0
    assert stories.filter(tags__isnull=False).distinct().count() >= 30
    assert stories.filter(corrections__isnull=False).exists()
    assert any(block.block_type == "quote" for story in stories for block in story.body)


def test_demo_ages_read_minutes_hours_and_days():
    from newsdesk.stories.ages import age_in_words

    words = {age_in_words(story.first_published_at).split()[1] for story in ArticlePage.objects.live()}
    assert {"minutes", "hours", "days"} <= words | {"minute", "hour", "day"}


def test_loading_the_demo_twice_adds_nothing():
    before = ArticlePage.objects.count()
    assert load_demo(echo=lambda *a: None) == 0
    assert ArticlePage.objects.count() == before


def test_demo_text_is_plain_and_complete():
    """Every story names a known section and author and has a body."""
    newsroom = read_newsroom()
    sections = {s["slug"] for s in newsroom["sections"]}
    authors = {a["slug"] for a in newsroom["authors"]}
    slugs = [story["slug"] for story in newsroom["stories"]]
    assert len(slugs) == len(set(slugs))
    for story in newsroom["stories"]:
        assert story["section"] in sections
        assert set(story["authors"]) <= authors
        assert len(story["body"]) >= 3


def test_demo_sources_follow_the_site_to_a_new_address(settings):
    """Served by the site itself, the demo's wire outlets move with it (another port, say)."""
    from newsdesk.demo.loader import repoint_demo_sources
    from newsdesk.wire.models import Source

    settings.NEWSDESK_DEMO_OUTLETS = True
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8765"
    repoint_demo_sources()
    urls = list(Source.objects.filter(url__contains="/demo-outlets/").values_list("url", flat=True))
    assert len(urls) == 3
    assert all(url.startswith("http://127.0.0.1:8765/demo-outlets/") for url in urls)
