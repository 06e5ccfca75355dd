"""An edit purges exactly the cached pages it changes, at once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from taggit.models import Tag

from newsdesk.stories.models import ArticlePage, SectionPage

from .conftest import cache_state

pytestmark = pytest.mark.django_db


def warm(client, *urls):
    for url in urls:
        client.get(url)
        assert cache_state(client.get(url)) == "hit", url


def oldest_story(section="world"):
    return ArticlePage.objects.live().child_of(SectionPage.objects.get(slug=section)).order_by("first_published_at").first()


def test_a_published_story_shows_at_once_everywhere_it_belongs(cached_site, publish_story):
    Tag.objects.get_or_create(name="Harbours", slug="harbours")
    other_article = oldest_story("business").url
    pages = ["/", "/world/", "/tags/harbours/", "/feeds/rss.xml", "/feeds/sections/world/rss.xml", other_article]
    warm(cached_site, *pages)
    story = publish_story("harbour-bridge-reopens", tags=["harbours"], title="Harbour bridge reopens after repairs")
    for url in pages:
        response = cached_site.get(url)
        assert cache_state(response) == "miss", url
        assert "Harbour bridge reopens after repairs" in response.text, url
    assert cached_site.get(story.url).status_code == 200


def test_pages_that_do_not_show_the_story_stay_cached(cached_site, publish_story):
    unrelated = ["/business/", "/feeds/sections/business/rss.xml", "/robots.txt"]
    warm(cached_site, *unrelated)
    publish_story("quiet-day-at-the-port", title="Quiet day at the port")
    for url in unrelated:
        assert cache_state(cached_site.get(url)) == "hit", url


def test_a_correction_to_an_old_story_purges_only_the_pages_that_show_it(cached_site, committed):
    story = oldest_story()
    elsewhere = oldest_story("business").url
    warm(cached_site, story.url, "/", elsewhere, "/business/")
    story.title = "Corrected: " + story.title
    with committed():
        story.save_revision().publish()
    assert "Corrected: " in cached_site.get(story.url).text
    # Old stories are in no Recent Posts block and not on the home page.
    assert cache_state(cached_site.get(elsewhere)) == "hit"
    assert cache_state(cached_site.get("/business/")) == "hit"


def test_a_withdrawn_story_answers_410_and_leaves_every_list(cached_site, publish_story, committed):
    story = publish_story("short-lived-report", title="A short lived report")
    pages = ["/", "/world/", "/feeds/rss.xml", oldest_story("business").url]
    warm(cached_site, story.url, *pages)
    with committed():
        story.unpublish()
    assert cached_site.get(story.url).status_code == 410
    for url in pages:
        response = cached_site.get(url)
        assert "A short lived report" not in response.text, url


def test_a_scheduled_story_appears_when_it_goes_live(cached_site, committed):
    section = SectionPage.objects.get(slug="world")
    story = ArticlePage(title="Tide tables for the new season", slug="tide-tables", live=False)
    with committed():
        section.add_child(instance=story)
        story.go_live_at = timezone.now() + timedelta(hours=1)
        revision = story.save_revision()
        revision.publish()  # scheduled: not live yet
    warm(cached_site, "/", "/world/")
    assert "Tide tables for the new season" not in cached_site.get("/").text
    # The hour passes: move the schedule into the past instead.
    past = timezone.now() - timedelta(seconds=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    with committed():
        call_command("publish_scheduled")
    for url in ("/", "/world/"):
        assert "Tide tables for the new season" in cached_site.get(url).text, url


def test_moving_a_story_purges_both_sections(cached_site, publish_story, committed):
    story = publish_story("ferry-timetable-changes", title="Ferry timetable changes")
    warm(cached_site, "/world/", "/business/")
    with committed():
        story.move(SectionPage.objects.get(slug="business"), pos="last-child")
    assert "Ferry timetable changes" not in cached_site.get("/world/").text
    assert "Ferry timetable changes" in cached_site.get("/business/").text


def test_renaming_a_section_purges_every_page_with_the_navigation(cached_site, committed):
    story_url = oldest_story("business").url
    warm(cached_site, "/", story_url)
    section = SectionPage.objects.get(slug="world")
    section.title = "Worldwide"
    with committed():
        section.save_revision().publish()
    for url in ("/", story_url):
        assert ">Worldwide<" in cached_site.get(url).text, url


def test_changing_the_newsroom_settings_purges_everything(cached_site, committed):
    from newsdesk.branding.models import NewsroomSettings

    warm(cached_site, "/", "/world/", "/robots.txt")
    newsroom = NewsroomSettings.objects.first()
    newsroom.copyright_holder = "The Harbour Gazette Cooperative"
    with committed():
        newsroom.save()
    for url in ("/", "/world/"):
        assert "The Harbour Gazette Cooperative" in cached_site.get(url).text, url
    assert cache_state(cached_site.get("/robots.txt")) == "miss"


def test_an_editor_publishing_in_the_admin_purges_the_readers_pages(cached_site, client, admin_user, committed):
    """The whole way an editor works: the article editor's Publish button, then a reader's next request."""
    from tests.newsroom.admin_forms import article_form

    section = SectionPage.objects.get(slug="world")
    author = ArticlePage.objects.live().first().article_authors.first().author
    warm(cached_site, "/", "/world/")
    client.force_login(admin_user)
    with committed():
        response = client.post(
            f"/admin/pages/add/stories/articlepage/{section.pk}/",
            article_form("Harbour master retires after forty years", "harbour-master-retires", author,
                         action="action-publish"),
        )
    assert response.status_code == 302, response.content[:500]
    for url in ("/", "/world/", "/world/harbour-master-retires/"):
        assert "Harbour master retires after forty years" in cached_site.get(url).text, url
