"""Feeds answer conditional GETs: ETag and Last-Modified, 304 when nothing changed."""

import pytest
from django.utils.http import http_date, parse_http_date

from newsdesk.stories.models import ArticlePage
from tests.feeds.scopes import FORMATS, SCOPES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("filename", FORMATS)
@pytest.mark.parametrize("kind", SCOPES)
def test_feed_has_an_etag_and_last_modified(client, kind, filename):
    response = client.get(SCOPES[kind] + filename)
    assert response["ETag"].startswith('"') and response["ETag"].endswith('"')
    assert parse_http_date(response["Last-Modified"])


@pytest.mark.parametrize("filename", FORMATS)
def test_matching_etag_gets_304(client, filename):
    url = SCOPES["site"] + filename
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]


@pytest.mark.parametrize("filename", FORMATS)
def test_if_modified_since_the_last_change_gets_304(client, filename):
    url = SCOPES["section"] + filename
    last_modified = client.get(url)["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    earlier = http_date(parse_http_date(last_modified) - 1)
    assert client.get(url, headers={"If-Modified-Since": earlier}).status_code == 200


def test_a_republished_story_changes_etag_and_last_modified(client):
    """After an edit the old validators no longer match, and the feed comes back in full."""
    first = client.get("/feeds/atom.xml")
    story = ArticlePage.objects.live().order_by("-first_published_at").first()
    story.title = "A new headline"
    story.save_revision().publish()
    again = client.get("/feeds/atom.xml", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert b"A new headline" in again.content
    assert parse_http_date(again["Last-Modified"]) > parse_http_date(first["Last-Modified"])
    assert client.get("/feeds/atom.xml", headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 200


def test_an_unpublished_story_changes_the_etag(client):
    """Taking a story out changes no date, but the feed changed: the ETag sees it."""
    first = client.get("/feeds/rss.xml")
    ArticlePage.objects.live().order_by("-first_published_at").first().unpublish()
    again = client.get("/feeds/rss.xml", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200


def test_head_is_answered_and_post_is_not(client):
    assert client.head("/feeds/rss.xml").status_code == 200
    assert client.post("/feeds/rss.xml").status_code == 405
