import json

import pytest

from newsdesk.api.views import paginated

pytestmark = pytest.mark.django_db


def test_pages_link_to_each_other(client, settings):
    """Lists come in NEWSDESK_API_PAGE_SIZE pages with the count and absolute next/previous links."""
    settings.NEWSDESK_API_PAGE_SIZE = 20
    first = client.get("/api/v1/stories/").json()
    assert first["count"] == 44 and len(first["results"]) == 20
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/stories/?page=2"
    second = client.get(first["next"]).json()
    assert second["previous"] == "http://testserver/api/v1/stories/?page=1"
    third = client.get(second["next"]).json()
    assert len(third["results"]) == 4 and third["next"] is None
    ids = [story["id"] for page in (first, second, third) for story in page["results"]]
    assert len(set(ids)) == 44


def test_links_keep_the_filters_and_page_size(client):
    """next and previous carry the query they came from."""
    page = client.get("/api/v1/stories/?tag=port-alder&page_size=10&page=2").json()
    assert page["count"] == 26
    assert page["next"] == "http://testserver/api/v1/stories/?tag=port-alder&page_size=10&page=3"
    assert page["previous"] == "http://testserver/api/v1/stories/?tag=port-alder&page_size=10&page=1"


def test_page_size_setting_is_read_at_request_time(client, settings):
    settings.NEWSDESK_API_PAGE_SIZE = 5
    page = client.get("/api/v1/sections/").json()
    assert len(page["results"]) == 5 and page["next"] == "http://testserver/api/v1/sections/?page=2"


def test_page_size_is_capped_at_100(rf):
    """A page_size over 100 gives pages of 100."""
    request = rf.get("/api/v1/stories/", {"page_size": 500})
    page = json.loads(paginated(request, list(range(250)), list).content)
    assert page["count"] == 250 and page["results"] == list(range(100))
    assert page["next"] == "http://testserver/api/v1/stories/?page_size=500&page=2"


def test_a_large_page_size_is_not_an_error(client):
    page = client.get("/api/v1/stories/?page_size=1000").json()
    assert page["count"] == 44 and len(page["results"]) == 44 and page["next"] is None


@pytest.mark.parametrize(
    "query, status, parameter",
    [
        ("page=0", 400, "page"),
        ("page=two", 400, "page"),
        ("page_size=0", 400, "page_size"),
        ("page_size=ten", 400, "page_size"),
        ("page=99", 404, "page"),
    ],
)
def test_bad_pages_answer_json_errors(client, query, status, parameter):
    response = client.get(f"/api/v1/stories/?{query}")
    assert response.status_code == status
    assert response.json()["parameter"] == parameter
