"""A cached page goes out exactly as the rendered one did, compressed, with validators and 304s."""

import gzip

import brotli
import pytest

from newsdesk.stories.models import ArticlePage

from .conftest import cache_state

pytestmark = pytest.mark.django_db


def some_article():
    return ArticlePage.objects.live().order_by("-first_published_at").first()


def test_second_request_is_answered_from_the_cache_with_the_same_page_and_headers(cached_site):
    url = some_article().url
    first = cached_site.get(url)
    second = cached_site.get(url)
    assert (cache_state(first), cache_state(second)) == ("miss", "hit")
    assert second.content == first.content
    for header in ("Content-Security-Policy", "ETag", "Last-Modified", "Cache-Control", "Content-Type",
                   "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy"):
        assert second.headers[header] == first.headers[header], header
    assert "s-maxage=" in second.headers["Cache-Control"]
    assert "stale-if-error=" in second.headers["Cache-Control"]
    assert "stale-while-revalidate=" in second.headers["Cache-Control"]


@pytest.mark.parametrize("url", ["/", "/world/", "/feeds/rss.xml", "/sitemap.xml", "/search/?q=council", "/robots.txt"])
def test_every_kind_of_reader_page_is_cached(cached_site, url):
    assert cache_state(cached_site.get(url)) == "miss"
    second = cached_site.get(url)
    assert second.status_code == 200
    assert cache_state(second) == "hit"


def test_hits_are_compressed_as_the_browser_accepts(cached_site):
    url = some_article().url
    plain = cached_site.get(url).content
    as_brotli = cached_site.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert as_brotli.headers["Content-Encoding"] == "br"
    assert as_brotli.content == plain  # httpx decodes
    raw = cached_site.get(url, headers={"Accept-Encoding": "gzip"})
    assert raw.headers["Content-Encoding"] == "gzip"
    refused = cached_site.get(url, headers={"Accept-Encoding": "br;q=0, gzip;q=0"})
    assert "Content-Encoding" not in refused.headers
    assert len(gzip.compress(plain)) < len(plain) and brotli.decompress(brotli.compress(plain)) == plain


def test_validators_answer_304_on_hits_and_misses(cached_site):
    url = some_article().url
    miss = cached_site.get(url)
    etag, modified = miss.headers["ETag"], miss.headers["Last-Modified"]
    assert cached_site.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert cached_site.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert cached_site.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200
    # A page the cache does not answer (an unknown parameter) has validators too.
    other = cached_site.get("/world/?colour=blue")
    assert cache_state(other) == "bypass"
    assert cached_site.get("/world/?colour=blue", headers={"If-None-Match": other.headers["ETag"]}).status_code == 304


def test_a_head_request_gets_the_headers_only(cached_site):
    url = some_article().url
    cached_site.get(url)
    head = cached_site.head(url)
    assert cache_state(head) == "hit" and head.content == b""
    assert int(head.headers["Content-Length"]) > 1000


def test_tracking_parameters_share_the_page_and_unknown_ones_bypass_it(cached_site):
    url = some_article().url
    cached_site.get(url)
    assert cache_state(cached_site.get(url + "?utm_source=social&fbclid=abc")) == "hit"
    assert cache_state(cached_site.get(url + "?preview=1")) == "bypass"
    assert cache_state(cached_site.get("/search/?q=council&page=2")) == "bypass"


def test_logged_in_editors_bypass_the_cache(cached_site, client, admin_user):
    url = some_article().url
    cached_site.get(url)
    client.force_login(admin_user)
    cookie = client.cookies["sessionid"].value
    editor = cached_site.get(url, headers={"Cookie": f"sessionid={cookie}"})
    assert cache_state(editor) == "bypass"
    assert editor.headers["Cache-Control"] == "private, no-cache"
    assert "userbar" in editor.text  # the editor sees Wagtail's bar, which readers never get
    reader = cached_site.get(url)
    assert cache_state(reader) == "hit" and "userbar" not in reader.text


def test_the_admin_and_the_api_are_never_cached(cached_site):
    for url in ("/admin/login/", "/api/v1/stories/"):
        for _ in range(2):
            assert "X-Page-Cache" not in cached_site.get(url).headers


def test_posts_are_never_answered_from_the_cache(cached_site):
    cached_site.get("/search/?q=council")
    response = cached_site.post("/search/?q=council")
    assert cache_state(response) != "hit"


def test_pages_the_cache_cannot_answer_are_compressed_too(cached_site):
    response = cached_site.get("/world/?colour=blue", headers={"Accept-Encoding": "br"})
    assert cache_state(response) == "bypass"
    assert response.headers["Content-Encoding"] == "br"
    assert "<html" in response.text
