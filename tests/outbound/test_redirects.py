"""Redirects: credentials and a source's own headers stay with the origin they were given for; loops end."""

import pytest

from newsdesk.outbound import Fetcher, FetchError

from .conftest import LOCAL, USER_AGENT

SECRETS = {"Authorization": "Bearer s3cret", "X-Api-Key": "key-123", "Cookie": "session=abc"}


@pytest.fixture
def fetcher():
    with Fetcher(USER_AGENT, timeout=2.0, allowed_networks=LOCAL, per_host_delay=0, respect_robots=False) as fetcher:
        yield fetcher


def test_credentials_and_custom_headers_are_not_sent_to_another_origin(feed_server, other_server, fetcher):
    """A redirect to another port (another origin) gets neither Authorization, Cookie nor the source's headers."""
    feed_server.redirect("/rss.xml", other_server.url("/rss.xml"))

    result = fetcher.fetch(feed_server.url("/rss.xml"), headers=SECRETS, accept="application/rss+xml")

    assert result.url == other_server.url("/rss.xml")
    [first] = feed_server.requests_to("/rss.xml")
    assert all(first.headers[name] == value for name, value in SECRETS.items())
    [second] = other_server.requests_to("/rss.xml")
    assert all(second.headers[name] is None for name in SECRETS)
    assert second.headers["User-Agent"] == USER_AGENT
    assert second.headers["Accept"] == "application/rss+xml"


def test_credentials_and_custom_headers_stay_on_the_same_origin(feed_server, fetcher):
    """A redirect within the origin keeps them."""
    feed_server.redirect("/old.xml", "/rss.xml")

    fetcher.fetch(feed_server.url("/old.xml"), headers=SECRETS)

    [second] = feed_server.requests_to("/rss.xml")
    assert all(second.headers[name] == value for name, value in SECRETS.items())


def test_credentials_come_back_only_with_the_first_origin(feed_server, other_server, fetcher):
    """Through another origin and back: sent to the first origin both times, never to the other."""
    feed_server.redirect("/start.xml", other_server.url("/bounce.xml"))
    other_server.redirect("/bounce.xml", feed_server.url("/rss.xml"))

    fetcher.fetch(feed_server.url("/start.xml"), headers=SECRETS)

    assert other_server.requests_to("/bounce.xml")[0].headers["X-Api-Key"] is None
    assert feed_server.requests_to("/rss.xml")[0].headers["X-Api-Key"] == "key-123"


def test_a_redirect_loop_across_origins_is_detected(feed_server, other_server, fetcher):
    """A → B → A is a loop, found before A is asked a second time."""
    feed_server.redirect("/a", other_server.url("/b"))
    other_server.redirect("/b", feed_server.url("/a"))

    with pytest.raises(FetchError) as raised:
        fetcher.fetch(feed_server.url("/a"))

    a, b = feed_server.url("/a"), other_server.url("/b")
    assert (raised.value.kind, str(raised.value)) == ("redirect_loop", f"Redirect loop: {a} → {b} → {a}")
    assert len(feed_server.requests_to("/a")) == 1
