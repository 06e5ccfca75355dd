"""Filing wire items: by the sections' descriptions on a new site, with the source's section as a prior."""

import pytest

from newsdesk.sections.filing import file_story
from newsdesk.sections.modelfile import model_path
from newsdesk.sections.training import retrain_if_due
from newsdesk.stories.models import ArticlePage
from tests.sections.desk import add_source, poll, section

pytestmark = pytest.mark.django_db

ATHLETIC = "Port Alder Athletic beat Sunder Bay United to go top of the Meridian Premier League"


def test_a_site_with_no_archive_files_stories_by_section_names_and_descriptions(feed_server, fetcher):
    """With no published story to learn from there is no model; the descriptions file the story."""
    ArticlePage.objects.all().delete()
    run = retrain_if_due()
    assert not run.accepted and "Not enough examples" in run.note
    assert not model_path().exists()

    items = poll(add_source(feed_server, "desk.xml", "world"), fetcher)

    athletic = items[ATHLETIC]
    assert athletic.section == section("sports")  # "Port Alder Athletic, the Meridian Premier League"
    assert athletic.section_confidence >= 0.4 and athletic.status == "new"
    assert [pk for pk, _ in athletic.section_suggestions][0] == section("sports").pk


def test_the_sources_section_is_a_prior_not_the_answer(feed_server, fetcher):
    """A business wire's football report is filed under Sports; its doubtful story leans to Business."""
    items = poll(add_source(feed_server, "desk.xml", "business"), fetcher)

    assert items[ATHLETIC].section == section("sports")
    lights = items["Harbour lights switched on for the winter"]
    assert lights.section == section("business")  # nothing in its text says otherwise


def test_the_feeds_own_category_counts_when_it_names_a_section():
    """An outlet's <category>Culture</category> carries a story the text leaves in doubt."""
    text = "Strings of coloured lamps were switched on along the quay on Sunday evening."
    plain = file_story("Harbour lights switched on", text)
    categorised = file_story("Harbour lights switched on", text, categories=["Culture"])

    assert categorised.section == section("culture")
    assert categorised.confidence > plain.confidence
    assert file_story("Harbour lights switched on", text, categories=["Local"]) == plain
