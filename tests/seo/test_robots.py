import pytest

pytestmark = pytest.mark.django_db


def test_robots_txt_names_both_sitemaps_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Disallow: /django-admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines
    # Nothing a reader reaches is disallowed.
    assert [line for line in lines if line.startswith("Disallow:")] == [
        "Disallow: /admin/",
        "Disallow: /django-admin/",
    ]


def test_robots_txt_names_the_host_and_scheme_the_site_is_reached_on(client):
    response = client.get("/robots.txt", headers={"host": "localhost"}, secure=True)
    assert "Sitemap: https://localhost/sitemap.xml" in response.content.decode().splitlines()
