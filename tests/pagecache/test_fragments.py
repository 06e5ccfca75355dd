"""Pages the page cache does not answer render from fragments and remembered lookups, never stale ones."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction, Site

from newsdesk.branding.models import NewsroomSettings
from newsdesk.pagecache.configured import policy
from newsdesk.stories.models import ArticlePage, Author

from .conftest import cache_state
from .test_invalidation import oldest_story, warm

pytestmark = pytest.mark.django_db


def test_an_edited_story_shows_at_once_where_its_fragments_were_kept(client, committed):
    """The page cache is off here: the second view comes from the story's fragments."""
    story = oldest_story()
    assert story.title in client.get(story.url).text
    assert story.title in client.get(story.url).text
    story.title = "Updated: the ferry timetable changes in spring"
    story.standfirst = "A new standfirst for the updated story."
    with committed():
        story.save_revision().publish()
    page = client.get(story.url).text
    assert "Updated: the ferry timetable changes in spring" in page
    assert "A new standfirst for the updated story." in page
    # The head tags are a fragment of their own.
    assert '<meta property="og:title" content="Updated: the ferry timetable changes in spring">' in page


def test_an_author_renamed_shows_at_once_on_the_story(client, committed):
    story = oldest_story()
    author = Author.objects.get(pk=story.article_authors.first().author_id)
    client.get(story.url)
    author.name = "Morwenna Quist-Arbery"
    with committed():
        author.save()
    assert "Morwenna Quist-Arbery" in client.get(story.url).text


def test_a_page_stored_from_fragments_is_purged_by_what_they_show(cached_site, committed):
    """Stored again from kept fragments, a page carries their dependencies: renaming the author purges it."""
    story = oldest_story()
    author = Author.objects.get(pk=story.article_authors.first().author_id)
    warm(cached_site, story.url)
    policy().store.clear()  # the stored page goes; the content version, and so the fragments, stay
    assert cache_state(cached_site.get(story.url)) == "miss"
    assert cache_state(cached_site.get(story.url)) == "hit"
    author.name = "Morwenna Quist-Arbery"
    with committed():
        author.save()
    response = cached_site.get(story.url)
    assert cache_state(response) == "miss"
    assert "Morwenna Quist-Arbery" in response.text


def test_a_story_made_private_asks_for_a_login_at_once(client, committed):
    story = oldest_story()
    assert client.get(story.url).status_code == 200
    with committed():
        restriction = PageViewRestriction.objects.create(page=story, restriction_type=PageViewRestriction.GROUPS)
        restriction.groups.set([Group.objects.order_by("pk").first()])
    assert client.get(story.url).status_code == 302
    with committed():
        restriction.delete()
    assert client.get(story.url).status_code == 200


def test_newsroom_settings_show_at_once(client, committed):
    client.get("/")
    settings = NewsroomSettings.for_site(Site.objects.get(is_default_site=True))
    settings.site_name = "The Harbour Gazette"
    with committed():
        settings.save()
    assert "The Harbour Gazette" in client.get("/").text
    assert "The Harbour Gazette" in client.get(oldest_story().url).text


def test_previews_show_the_draft_not_the_kept_fragments(admin_client):
    story = oldest_story()
    admin_client.get(story.url)
    draft = ArticlePage.objects.get(pk=story.pk)
    draft.title = "Draft headline nobody has published"
    revision = draft.save_revision()
    preview = admin_client.get(f"/admin/pages/{story.pk}/revisions/{revision.pk}/view/")
    assert "Draft headline nobody has published" in preview.text
    assert "Draft headline nobody has published" not in admin_client.get(story.url).text
