import httpx


def test_the_served_api_links_to_what_the_site_serves(running_site):
    """Through the production web server, the API's links point at the running site, and they answer."""
    page = httpx.get(running_site + "/api/v1/stories/?page_size=1").json()
    story = page["results"][0]
    assert page["count"] == 44 and page["next"].startswith(running_site + "/api/v1/stories/")
    assert story["url"].startswith(running_site + "/")
    assert httpx.get(story["url"]).status_code == 200
    image = httpx.get(story["lead_image"]["url"])
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/jpeg"
    detail = httpx.get(story["api_url"])
    assert detail.headers["Access-Control-Allow-Origin"] == "*"
    assert detail.json()["body_html"].startswith("<p>")
