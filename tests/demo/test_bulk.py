"""`newsdesk demo --stories N`: a bulk archive of synthetic stories that behave like any other."""

from datetime import timedelta

import pytest
from click.testing import CliRunner
from django.utils import timezone
from wagtail.models import Page, ReferenceIndex
from wagtail.search.backends import get_search_backend

from newsdesk.cli import main
from newsdesk.stories.models import ArticlePage, SectionPage

pytestmark = pytest.mark.django_db


def add_stories(count, seed=7):
    result = CliRunner().invoke(main, ["demo", "--stories", str(count), "--seed", str(seed), "--batch-size", "40"])
    assert result.exit_code == 0, result.output
    return result.output


def newest_generated(count):
    return list(ArticlePage.objects.order_by("-pk")[:count])


def test_stories_are_live_and_spread_over_ten_years():
    before = ArticlePage.objects.count()
    output = add_stories(100)
    assert "Added 100 stories" in output
    assert "stories/s" in output
    stories = newest_generated(100)
    assert ArticlePage.objects.count() == before + 100
    assert all(story.live and not story.has_unpublished_changes for story in stories)
    published = sorted(story.first_published_at for story in stories)
    now = timezone.now()
    assert now - published[-1] < timedelta(days=60)
    assert now - published[0] > timedelta(days=9 * 365)
    assert published[0] > now - timedelta(days=3653)
    story = stories[0]
    assert story.title and story.standfirst and story.authors and story.tags.exists()
    assert 3 <= len(story.body) <= 6


def test_stories_open_as_article_pages_and_in_the_admin(client, admin_client):
    add_stories(60)
    for story in newest_generated(60)[::15]:
        response = client.get(story.get_url())
        assert response.status_code == 200
        assert story.title in response.content.decode()
        assert admin_client.get(f"/admin/pages/{story.pk}/edit/").status_code == 200


def test_section_pages_list_the_newest_generated_stories(client):
    add_stories(80)
    newest = ArticlePage.objects.live().order_by("-first_published_at").first()
    section = newest.get_parent()
    html = client.get(section.get_url()).content.decode()
    assert newest.title in html
    assert client.get(f"/admin/pages/{section.pk}/").status_code in (200, 302)


def test_generated_stories_are_found_by_search(client):
    add_stories(60)
    story = newest_generated(1)[0]
    found = ArticlePage.objects.live().search(story.title)
    assert story.pk in {page.pk for page in found}
    byline = story.authors[0].name
    assert story.pk in {page.pk for page in ArticlePage.objects.live().search(byline)[:500]}
    html = client.get("/search/", {"q": story.title}).content.decode()
    assert story.title in html


def test_search_entries_match_what_the_backend_itself_writes():
    """Reindexing a generated story through the backend leaves its entry as it was."""
    add_stories(20)
    backend = get_search_backend()
    story = newest_generated(1)[0]
    entry = story.index_entries.get()
    before = (entry.title, entry.autocomplete, entry.body)
    backend.add(story)
    entry.refresh_from_db()
    assert (entry.title, entry.autocomplete, entry.body) == before


def test_bylines_and_tags_are_in_the_reference_index():
    """The admin's usage counts see generated stories: their references are Wagtail's own rows."""
    add_stories(20)
    story = newest_generated(1)[0]

    def references():
        return sorted(
            ReferenceIndex.objects.filter(object_id=str(story.pk)).values_list(
                "model_path", "content_path", "to_content_type", "to_object_id", "content_path_hash"
            )
        )

    written = references()
    assert len(written) == len(story.authors) + story.tags.count()
    ReferenceIndex.create_or_update_for_object(story)
    assert references() == written


def test_page_tree_stays_valid():
    add_stories(90)
    assert all(not problems for problems in Page.find_problems())
    for section in SectionPage.objects.all():
        assert section.numchild == section.get_children().count()
    story = newest_generated(1)[0]
    assert story.url_path == story.get_parent().url_path + story.slug + "/"


def test_running_twice_adds_more_without_clashing_slugs():
    before = ArticlePage.objects.count()
    add_stories(50, seed=3)
    add_stories(50, seed=3)
    assert ArticlePage.objects.count() == before + 100
    for section in SectionPage.objects.all():
        slugs = list(section.get_children().values_list("slug", flat=True))
        assert len(slugs) == len(set(slugs))
    assert all(not problems for problems in Page.find_problems())


def test_a_full_section_stops_the_command_and_keeps_the_tree_valid(monkeypatch):
    """treebeard's path steps are four characters: past the last one the command stops cleanly."""
    from newsdesk.demo import bulk

    steps = [Page._str2int(page.path[-Page.steplen :]) for page in ArticlePage.objects.all()]
    monkeypatch.setattr(bulk, "MAX_CHILDREN", max(steps) + 3)
    before = ArticlePage.objects.count()
    result = CliRunner().invoke(main, ["demo", "--stories", "200", "--batch-size", "100"])
    assert result.exit_code == 1
    assert "is full" in result.output
    assert ArticlePage.objects.count() == before
    assert all(not problems for problems in Page.find_problems())


def test_without_stories_or_a_subcommand_it_shows_help():
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0
    assert "--stories" in result.output
