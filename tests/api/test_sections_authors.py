import pytest

pytestmark = pytest.mark.django_db


def test_sections_in_site_order(client):
    """The sections list gives each section in the site's navigation order, with links to its stories."""
    page = client.get("/api/v1/sections/").json()
    assert page["count"] == 7
    assert [s["slug"] for s in page["results"]] == [
        "world", "politics", "business", "technology", "science", "sports", "culture"
    ]
    world = page["results"][0]
    assert world == {
        "slug": "world",
        "name": "World",
        "url": "http://testserver/world/",
        "description": world["description"],
        "api_url": "http://testserver/api/v1/sections/world/",
        "stories_url": "http://testserver/api/v1/stories/?section=world",
    }
    assert world["description"]
    assert client.get(world["stories_url"]).json()["count"] == 8


def test_section_detail(client):
    response = client.get("/api/v1/sections/business/")
    assert response.status_code == 200
    assert response.json()["name"] == "Business"


def test_unpublished_section_is_hidden(client):
    """An unpublished section leaves the list and its detail answers 404."""
    from newsdesk.stories.models import SectionPage

    SectionPage.objects.get(slug="culture").unpublish()
    assert "culture" not in [s["slug"] for s in client.get("/api/v1/sections/").json()["results"]]
    response = client.get("/api/v1/sections/culture/")
    assert response.status_code == 404
    assert response.json() == {"error": "No published section has the slug 'culture'."}


def test_authors_by_name(client):
    """The authors list gives each author's page, bio, photo and links."""
    page = client.get("/api/v1/authors/").json()
    assert page["count"] == 5
    names = [a["name"] for a in page["results"]]
    assert names == sorted(names)
    amara = page["results"][0]
    assert amara["slug"] == "amara-lind"
    assert amara["url"] == "http://testserver/authors/amara-lind/"
    assert amara["bio"].startswith("Amara Lind writes about science")
    assert amara["photo"]["url"].startswith("http://testserver/media/images/")
    assert (amara["photo"]["width"], amara["photo"]["height"]) == (400, 400)
    assert amara["links"] == [{"label": "Website", "url": "https://example.org/amara-lind"}]
    assert client.get(amara["stories_url"]).json()["count"] == 8


def test_author_detail(client):
    response = client.get("/api/v1/authors/declan-moss/")
    assert response.status_code == 200
    assert response.json()["api_url"] == "http://testserver/api/v1/authors/declan-moss/"


@pytest.mark.parametrize(
    "path, error",
    [
        ("/api/v1/sections/nowhere/", "No published section has the slug 'nowhere'."),
        ("/api/v1/authors/nobody/", "No author has the slug 'nobody'."),
        ("/api/v1/stories/not-a-number/", "No such endpoint. /api/v1/ lists them."),
        ("/api/v1/elsewhere/", "No such endpoint. /api/v1/ lists them."),
    ],
)
def test_unknown_addresses_are_json_404s(client, path, error):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": error}


def test_index_lists_the_endpoints(client):
    assert client.get("/api/v1/").json() == {
        "stories": "http://testserver/api/v1/stories/",
        "sections": "http://testserver/api/v1/sections/",
        "authors": "http://testserver/api/v1/authors/",
    }
