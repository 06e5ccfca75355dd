"""Entry ids survive edits, republication and slug changes, so readers never see a story twice."""

import pytest
from lxml import etree

from newsdesk.stories.models import ArticlePage

pytestmark = pytest.mark.django_db


def items_by_guid(client, url="/feeds/rss.xml"):
    channel = etree.fromstring(client.get(url).content).find("channel")
    return {
        item.findtext("guid"): {
            "title": item.findtext("title"),
            "link": item.findtext("link"),
            "pubDate": item.findtext("pubDate"),
        }
        for item in channel.iter("item")
    }


def newest_story():
    return ArticlePage.objects.live().order_by("-first_published_at").first()


def guid_of(items, story):
    return next(guid for guid, item in items.items() if item["link"].endswith(story.url))


def test_guid_survives_an_edit_and_republication(client):
    story = newest_story()
    before = items_by_guid(client)
    guid = guid_of(before, story)

    story.title = "Ministers revise the emergency water plan"
    story.standfirst = "An edited standfirst."
    story.save_revision().publish()

    after = items_by_guid(client)
    assert set(after) == set(before)
    assert after[guid]["title"] == "Ministers revise the emergency water plan"
    assert after[guid]["pubDate"] == before[guid]["pubDate"]


def test_guid_survives_a_slug_change(client):
    story = newest_story()
    guid = guid_of(items_by_guid(client), story)
    old_url = story.url

    story.slug = "a-brand-new-slug"
    story.save_revision().publish()

    item = items_by_guid(client)[guid]
    assert item["link"].endswith("/a-brand-new-slug/")
    assert not item["link"].endswith(old_url)


def test_guid_is_the_same_in_every_scope(client):
    """A story's id in the site feed is its id in its section's, author's and tag's feeds."""
    story = newest_story()
    guid = guid_of(items_by_guid(client), story)
    tag = story.tags.first()
    for url in (
        f"/feeds/sections/{story.section.slug}/rss.xml",
        f"/feeds/authors/{story.authors[0].slug}/rss.xml",
        f"/feeds/tags/{tag.slug}/rss.xml",
    ):
        assert guid_of(items_by_guid(client, url), story) == guid, url


def test_every_story_has_its_own_guid(client, settings):
    settings.NEWSDESK_FEED_ITEMS = 100
    items = items_by_guid(client)
    assert len(items) == ArticlePage.objects.live().count()
