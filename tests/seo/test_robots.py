import pytest

pytestmark = pytest.mark.django_db


def test_robots_txt_names_both_sitemaps_and_keeps_crawlers_out_of_the_admin(client):
    """robots.txt names both sitemaps and disallows the admin and the demo outlets, nothing else."""
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
        "Disallow: /demo-outlets/",
    ]


@pytest.mark.parametrize("outlets_on", [False, True])
def test_robots_txt_keeps_crawlers_out_of_the_demo_outlets_whether_or_not_they_are_served(client, settings, outlets_on):
    """The demo outlets' fictional news is never indexed: robots.txt disallows them on or off."""
    settings.NEWSDESK_DEMO_OUTLETS = outlets_on
    assert "Disallow: /demo-outlets/" in client.get("/robots.txt").content.decode().splitlines()


def test_robots_txt_names_the_host_and_scheme_the_site_is_reached_on(client):
    response = client.get("/robots.txt", headers={"host": "localhost"}, secure=True)
    assert "Sitemap: https://localhost/sitemap.xml" in response.content.decode().splitlines()


def test_the_sites_own_wire_desk_may_read_the_demo_outlets_and_no_other_crawler_may(client, settings):
    """With the outlets on, robots.txt lets the desk's own User-Agent into /demo-outlets/, and only there."""
    import urllib.robotparser

    from newsdesk.outbound.configured import user_agent

    settings.NEWSDESK_DEMO_OUTLETS = True
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(client.get("/robots.txt").content.decode().splitlines())
    outlet = "http://testserver/demo-outlets/harbour-gazette/feed.xml"
    assert robots.can_fetch(user_agent(), outlet)
    assert not robots.can_fetch("Googlebot/2.1", outlet)
    assert not robots.can_fetch(user_agent(), "http://testserver/admin/")
    assert robots.can_fetch(user_agent(), "http://testserver/world/")
