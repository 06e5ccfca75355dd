import pytest

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/",
    "/api/v1/stories/",
    "/api/v1/sections/",
    "/api/v1/sections/world/",
    "/api/v1/authors/",
    "/api/v1/authors/zoe-alund/",
]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_get_is_cacheable_and_readable_from_any_site(client, path):
    """Answers are JSON, cacheable for a minute, and open to other origins (the data is public)."""
    response = client.get(path, HTTP_ORIGIN="https://elsewhere.example")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_other_methods_answer_405(client, method):
    """The API is read-only: writes answer 405 (not the CSRF failure page) and name GET."""
    response = getattr(client, method)("/api/v1/stories/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {"error": "The content API is read-only: use GET."}


def test_story_detail_accepts_only_get(client):
    story_id = client.get("/api/v1/stories/").json()["results"][0]["id"]
    assert client.post(f"/api/v1/stories/{story_id}/").status_code == 405


def test_missing_slash_is_added(client):
    response = client.get("/api/v1/stories?tag=water")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/stories/?tag=water"


def test_list_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """A page of 100 stories costs the same few queries as a page of one."""
    client.get("/api/v1/stories/?page_size=100")  # renditions are made on first use
    with django_assert_max_num_queries(15):
        client.get("/api/v1/stories/?page_size=100")


def test_head_is_allowed(client):
    response = client.head("/api/v1/stories/")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
