from datetime import datetime

import pytest
from wagtail.models import PageViewRestriction

from newsdesk.stories.models import ArticlePage, Correction

from .conftest import every_story, slug_of

pytestmark = pytest.mark.django_db


def test_story_list_is_every_published_story_newest_first(client, demo_stories):
    """The list holds the demo's 44 stories, newest first."""
    stories = every_story(client)
    newest_first = sorted(demo_stories, key=lambda story: story["minutes_ago"])
    assert [slug_of(story) for story in stories] == [story["slug"] for story in newest_first]
    times = [datetime.fromisoformat(story["first_published_at"]) for story in stories]
    assert times == sorted(times, reverse=True)


def test_list_entries_carry_the_story_fields_with_absolute_urls(client):
    """Each entry has the documented fields, without the body, and every URL is absolute."""
    story = every_story(client)[0]
    assert set(story) == {
        "id", "url", "api_url", "headline", "standfirst", "section", "authors", "tags",
        "first_published_at", "last_published_at", "updated_at", "lead_image", "source", "corrections",
    }
    assert story["url"].startswith("http://testserver/world/")
    assert story["api_url"] == f"http://testserver/api/v1/stories/{story['id']}/"
    assert story["section"] == {"slug": "world", "name": "World", "url": "http://testserver/world/"}
    assert {author["slug"] for author in story["authors"]} == {"zoe-alund", "amara-lind"}
    assert all(author["url"].startswith("http://testserver/authors/") for author in story["authors"])
    assert {"slug": "heatwave", "name": "heatwave", "url": "http://testserver/tags/heatwave/"} in story["tags"]
    assert datetime.fromisoformat(story["first_published_at"]).tzinfo is not None
    image = story["lead_image"]
    assert image["url"].startswith("http://testserver/media/images/") and image["url"].endswith(".jpg")
    assert (image["width"], image["height"]) == (1200, 675)
    assert image["caption"].startswith("Illustration: a canal lock gate")
    assert image["credit"] == "Meridian Courier graphics"
    assert story["source"] is None and story["corrections"] == []


def test_detail_adds_the_rendered_body(client, demo_stories):
    """A story's detail is its list entry plus body_html, quotes kept as quotations."""
    listed = every_story(client)[0]
    response = client.get(f"/api/v1/stories/{listed['id']}/")
    assert response.status_code == 200
    story = response.json()
    assert {key: value for key, value in story.items() if key != "body_html"} == listed
    assert story["body_html"].startswith("<p>Environment ministers from the five members")
    assert "<blockquote><p>Nobody at this table can make it rain." in story["body_html"]
    assert 'class="w-block' not in story["body_html"]


def test_wire_story_names_its_source(client):
    """A republished wire story carries the outlet and address it came from."""
    story = next(s for s in every_story(client) if slug_of(s) == "mount-orrin-eruption-grounds-flights-across-region")
    assert story["source"] == {"name": "Harbour Wire Service", "url": "https://example.org/wire/mount-orrin-eruption"}


def test_corrected_story_lists_its_corrections(client):
    """A corrected story lists each correction, and updated_at is the latest one's time."""
    story = next(s for s in every_story(client) if slug_of(s) == "port-alder-breaks-temperature-record-at-41-2c")
    [correction] = story["corrections"]
    assert correction["note"].endswith("It was set in 1983.")
    assert story["updated_at"] == correction["corrected_at"]
    assert datetime.fromisoformat(correction["corrected_at"]) > datetime.fromisoformat(story["first_published_at"])


def test_body_links_and_images_are_absolute(client, add_story):
    """Links and images inside body_html point at the site, not at a path other sites cannot resolve."""
    image = ArticlePage.objects.exclude(lead_image=None).first().lead_image
    world = ArticlePage.objects.live().first()
    story = add_story(
        "story-with-a-figure",
        body=[
            ("paragraph", f'<p>See <a linktype="page" id="{world.pk}">the earlier story</a>.</p>'),
            ("image", {"image": image, "caption": "A figure", "credit": ""}),
        ],
    )
    body = client.get(f"/api/v1/stories/{story.pk}/").json()["body_html"]
    assert f'<a href="http://testserver{world.url}">the earlier story</a>' in body
    assert 'src="http://testserver/media/images/' in body
    assert 'srcset="http://testserver/media/images/' in body and ", http://testserver/media/images/" in body
    assert 'src="/' not in body and ", /media" not in body


def test_drafts_unpublished_and_private_stories_are_invisible(client, add_story):
    """Only live, public stories appear: not drafts, not unpublished ones, not password-protected ones."""
    draft = add_story("a-draft-story", live=False)
    private = add_story("a-private-story")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="secret")
    withdrawn = ArticlePage.objects.live().get(slug="mount-orrin-eruption-grounds-flights-across-region")
    withdrawn.unpublish()
    listed = {story["id"] for story in every_story(client)}
    assert len(listed) == 43
    for story in (draft, private, withdrawn):
        assert story.pk not in listed
        response = client.get(f"/api/v1/stories/{story.pk}/")
        assert response.status_code == 404
        assert response.json() == {"error": f"No published story has id {story.pk}."}


def test_a_newly_published_story_leads_the_list(client, add_story):
    """Publishing a story puts it first."""
    story = add_story("breaking-news")
    Correction.objects.create(article=story, note="Fixed a name.")
    first = every_story(client)[0]
    assert first["id"] == story.pk and first["headline"] == "Breaking news"
    assert first["lead_image"] is None and first["corrections"][0]["note"] == "Fixed a name."


def test_unknown_story_is_a_json_404(client):
    """An unknown id answers 404 with a JSON error."""
    response = client.get("/api/v1/stories/999999/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "999999" in response.json()["error"]
