"""Every feed of every scope follows its format's rules: RSS 2.0, Atom 1.0, JSON Feed 1.1."""

import json

import feedparser
import pytest
from lxml import etree

from tests.feeds.checks import ATOM, RFC822, RFC3339, check_atom, check_json_feed, check_rss
from tests.feeds.scopes import FORMATS, SCOPES, expected_stories

pytestmark = pytest.mark.django_db

CONTENT_TYPES = {
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json; charset=utf-8",
}
CHECKS = {"rss.xml": check_rss, "atom.xml": check_atom, "feed.json": check_json_feed}


@pytest.mark.parametrize("filename", FORMATS)
@pytest.mark.parametrize("kind", SCOPES)
def test_feed_follows_its_format(client, kind, filename):
    """Answers 200 with the format's media type, and breaks none of the format's rules."""
    url = SCOPES[kind] + filename
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[filename]
    assert CHECKS[filename](response.content, "http://testserver" + url) == []


@pytest.mark.parametrize("filename", ["rss.xml", "atom.xml"])
@pytest.mark.parametrize("kind", SCOPES)
def test_feedparser_reads_every_entry_newest_first(client, kind, filename, settings):
    """feedparser parses it cleanly and finds the scope's latest stories, newest first, dated with a zone."""
    settings.NEWSDESK_FEED_ITEMS = 30
    parsed = feedparser.parse(client.get(SCOPES[kind] + filename).content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == {"rss.xml": "rss20", "atom.xml": "atom10"}[filename]
    expected = expected_stories(kind)[:30]
    assert [entry.title for entry in parsed.entries] == [story.title for story in expected]
    assert [entry.link for entry in parsed.entries] == ["http://testserver" + s.url for s in expected]
    published = [entry.published_parsed for entry in parsed.entries]
    assert published == sorted(published, reverse=True)
    date_format = RFC822 if filename == "rss.xml" else RFC3339
    assert all(date_format.match(entry.published) for entry in parsed.entries)


@pytest.mark.parametrize("kind", SCOPES)
def test_json_feed_lists_the_same_stories(client, kind):
    """The JSON Feed has the scope's latest stories, newest first, like the XML feeds."""
    feed = json.loads(client.get(SCOPES[kind] + "feed.json").content)
    expected = expected_stories(kind)[:30]
    assert [item["title"] for item in feed["items"]] == [story.title for story in expected]
    assert [item["url"] for item in feed["items"]] == ["http://testserver" + s.url for s in expected]


def test_the_three_formats_carry_the_same_entries(client):
    """Same ids, in the same order, whatever the format."""
    rss = etree.fromstring(client.get("/feeds/rss.xml").content)
    atom = etree.fromstring(client.get("/feeds/atom.xml").content)
    feed = json.loads(client.get("/feeds/feed.json").content)
    rss_ids = [guid.text for guid in rss.iter("guid")]
    atom_ids = [entry.findtext(ATOM + "id") for entry in atom.iter(ATOM + "entry")]
    json_ids = [item["id"] for item in feed["items"]]
    assert rss_ids == atom_ids == json_ids
    assert len(rss_ids) == 30


def test_number_of_entries_is_a_setting(client, settings):
    settings.NEWSDESK_FEED_ITEMS = 5
    for filename in FORMATS:
        body = client.get("/feeds/" + filename).content
        count = len(json.loads(body)["items"]) if filename.endswith("json") else len(feedparser.parse(body).entries)
        assert count == 5, filename


def test_a_scope_with_no_stories_gives_a_valid_empty_feed(client):
    """An author with no live story still has feeds, with no entries and a stable updated time."""
    from newsdesk.stories.models import Author

    Author.objects.create(name="New Reporter", slug="new-reporter")
    for filename in FORMATS:
        url = "/feeds/authors/new-reporter/" + filename
        response = client.get(url)
        assert response.status_code == 200
        assert CHECKS[filename](response.content, "http://testserver" + url) == []
    first = client.get("/feeds/authors/new-reporter/atom.xml")
    assert client.get("/feeds/authors/new-reporter/atom.xml")["ETag"] == first["ETag"]
