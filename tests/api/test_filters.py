from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.utils import timezone

from .conftest import every_story, slug_of

pytestmark = pytest.mark.django_db


def slugs(stories):
    return {slug_of(story) for story in stories}


def test_section_filter(client, demo_stories):
    """?section= keeps that section's stories."""
    for section in ("world", "politics"):
        expected = {s["slug"] for s in demo_stories if s["section"] == section}
        found = every_story(client, f"&section={section}")
        assert slugs(found) == expected
        assert {story["section"]["slug"] for story in found} == {section}


def test_tag_filter(client, demo_stories):
    """?tag= takes a tag's slug."""
    expected = {s["slug"] for s in demo_stories if "port-strike" in s["tag_slugs"]}
    assert len(expected) == 7
    assert slugs(every_story(client, "&tag=port-strike")) == expected


def test_author_filter(client, demo_stories):
    """?author= keeps the stories the author wrote or co-wrote."""
    expected = {s["slug"] for s in demo_stories if "amara-lind" in s["authors"]}
    assert len(expected) == 8
    assert slugs(every_story(client, "&author=amara-lind")) == expected


def test_unknown_slugs_match_nothing(client):
    """A section, tag or author that does not exist gives an empty list, not an error."""
    for query in ("section=nowhere", "tag=no-such-tag", "author=nobody"):
        response = client.get(f"/api/v1/stories/?{query}")
        assert response.status_code == 200
        assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_date_range(client):
    """published_after is inclusive and published_before exclusive, to the second."""
    stories = every_story(client)
    times = [datetime.fromisoformat(story["first_published_at"]) for story in stories]
    start, end = stories[20]["first_published_at"], stories[5]["first_published_at"]
    query = f"&published_after={start.replace('+', '%2B')}&published_before={end.replace('+', '%2B')}"
    found = every_story(client, query)
    assert [story["id"] for story in found] == [
        story["id"] for story, when in zip(stories, times, strict=True)
        if datetime.fromisoformat(start) <= when < datetime.fromisoformat(end)
    ]
    assert len(found) == 15


@pytest.mark.parametrize("newsroom_zone", ["UTC", "Asia/Tokyo"])
def test_dates_and_offsets_in_every_iso_form(client, settings, newsroom_zone):
    """A date means its midnight, and a bare date-time its moment, in the newsroom's time zone;
    Z, encoded and unencoded offsets all name the same instant."""
    settings.TIME_ZONE = newsroom_zone
    stories = every_story(client)
    newest = datetime.fromisoformat(stories[0]["first_published_at"])
    local = timezone.localtime(newest)
    assert newest.utcoffset() == local.utcoffset()
    day_after = (local + timedelta(days=1)).date().isoformat()
    assert every_story(client, f"&published_after={day_after}") == []
    assert len(every_story(client, f"&published_before={day_after}")) == 44
    plus_two = newest.astimezone(dt_timezone(timedelta(hours=2)))
    same_instant = [
        newest.astimezone(dt_timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        plus_two.strftime("%Y-%m-%dT%H:%M:%S") + "%2B02:00",
        plus_two.strftime("%Y-%m-%dT%H:%M:%S") + "+02:00",  # "+" arrives as a space
        plus_two.strftime("%Y-%m-%d %H:%M:%S") + "+02:00",
        local.strftime("%Y-%m-%dT%H:%M:%S"),
        local.strftime("%Y-%m-%d %H:%M:%S"),
    ]
    for value in same_instant:
        found = every_story(client, f"&published_after={value}")
        assert [story["id"] for story in found] == [stories[0]["id"]], value


def test_filters_combine(client, demo_stories):
    """Filters combine with AND."""
    stories = every_story(client)
    cut = stories[9]["first_published_at"].replace("+", "%2B")
    recent = slugs(stories[:10])
    expected = {
        s["slug"] for s in demo_stories
        if s["section"] == "business" and "port-alder" in s["tag_slugs"] and "tobias-renner" in s["authors"]
        and s["slug"] in recent
    }
    assert expected
    found = every_story(client, f"&section=business&tag=port-alder&author=tobias-renner&published_after={cut}")
    assert slugs(found) == expected


@pytest.mark.parametrize("parameter", ["published_after", "published_before"])
@pytest.mark.parametrize("value", ["yesterday", "2025-13-01", "2025-02-30", "31/01/2025"])
def test_bad_dates_answer_400(client, parameter, value):
    """A date that is not ISO 8601 answers 400 with a JSON error naming the parameter."""
    response = client.get(f"/api/v1/stories/?{parameter}={value}")
    assert response.status_code == 400
    error = response.json()
    assert error["parameter"] == parameter
    assert error["error"] == (
        f"{parameter} must be an ISO 8601 date or date-time, such as 2025-01-31 or "
        f"2025-01-31T09:00:00Z; got '{value}'."
    )
    assert response["Access-Control-Allow-Origin"] == "*"
