"""Security headers on every kind of response the site serves, readers' and admin's."""

import os
import subprocess
import sys

import httpx
import pytest
from django.test import override_settings

from tests.security.support import logged_in_client

OTHER_RESPONSES = {
    "RSS feed": "/feeds/rss.xml",
    "JSON Feed": "/feeds/feed.json",
    "API": "/api/v1/",
    "sitemap": "/sitemap.xml",
    "robots.txt": "/robots.txt",
    "static file": "/static/stories/js/ages.js",
}
ADMIN_PAGES = ["/admin/", "/admin/pages/", "/admin/wire/", "/admin/images/", "/django-admin/"]


def directives(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    policy = response.headers["content-security-policy"]
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {name: sources for name, *sources in parts}


def assert_common_headers(response):
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    permissions = response.headers["permissions-policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "browsing-topics=()"):
        assert feature in permissions
    policy = directives(response)
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    # scripts come from this site only: no host, scheme or wildcard source
    assert all(source.startswith("'") for source in policy["script-src"]), policy["script-src"]
    return policy


@pytest.fixture(scope="module")
def admin(running_site):
    client = logged_in_client(running_site)
    yield client
    client.close()


def test_reader_pages_carry_the_strict_policy(running_site, reader_pages):
    """No inline script, no eval, no inline style on any reader page."""
    for kind, url in reader_pages.items():
        response = httpx.get(running_site + url, timeout=300)
        assert response.status_code in (200, 404), kind
        policy = assert_common_headers(response)
        assert policy["script-src"] == ["'self'"], kind
        assert policy["style-src"] == ["'self'"], kind
        assert "connect-src" in policy and policy["connect-src"] == ["'self'"], kind


@pytest.mark.parametrize("kind", OTHER_RESPONSES)
def test_feeds_api_and_files_carry_the_headers(running_site, kind):
    response = httpx.get(running_site + OTHER_RESPONSES[kind], timeout=120)
    assert response.status_code == 200, kind
    policy = assert_common_headers(response)
    assert policy["script-src"] == ["'self'"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_carry_the_admin_policy(admin, path):
    """The admin allows inline script and style, which Wagtail needs, but no other host."""
    response = admin.get(path)
    assert response.status_code == 200, path
    assert response.url.path == path  # logged in, not sent to the login form
    policy = assert_common_headers(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["connect-src"] == ["'self'"]


def test_admin_login_form_carries_the_admin_policy(running_site):
    response = httpx.get(running_site + "/admin/login/", timeout=300)
    assert response.status_code == 200
    assert_common_headers(response)


def test_plain_http_gets_no_hsts(running_site, reader_pages):
    """`newsdesk run` and the tests' site serve plain HTTP: no Strict-Transport-Security."""
    for url in reader_pages.values():
        assert "strict-transport-security" not in httpx.get(running_site + url, timeout=300).headers


def test_https_gets_hsts_for_a_year_without_subdomains(client, db):
    """Over HTTPS every response carries HSTS; subdomains and preload are off unless asked for."""
    for path in ("/", "/admin/login/", "/feeds/rss.xml"):
        response = client.get(path, secure=True)
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000", path
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_hsts_settings_come_from_the_environment(tmp_path):
    """NEWSDESK_HSTS_SECONDS, …_INCLUDE_SUBDOMAINS and …_PRELOAD reach Django's settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("NEWSDESK_", "DJANGO_"))}
    env.update(
        NEWSDESK_DATA_DIR=str(tmp_path / "data"),
        NEWSDESK_HSTS_SECONDS="600",
        NEWSDESK_HSTS_INCLUDE_SUBDOMAINS="1",
        NEWSDESK_HSTS_PRELOAD="1",
    )
    code = (
        "from newsdesk import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert result.stdout.split() == ["600", "True", "True"], result.stderr


@pytest.mark.django_db
@override_settings(NEWSDESK_DEMO_OUTLETS=True)
def test_demo_outlets_may_use_inline_styles_but_no_script(client):
    """The demo outlets imitate other sites, inline <style> included; script stays strict."""
    response = client.get("/demo-outlets/")
    policy = directives(response)
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["script-src"] == ["'self'"]
