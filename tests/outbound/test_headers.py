"""Response headers: huge Retry-After and max-age are clamped, over-long validators are dropped."""

from datetime import timedelta

import pytest

from newsdesk.outbound import Fetcher, FetchError, backoff
from newsdesk.outbound.headers import MAX_MAX_AGE, MAX_RETRY_AFTER, max_age, retry_after

from .conftest import LOCAL, USER_AGENT


@pytest.fixture
def fetcher():
    with Fetcher(USER_AGENT, timeout=2.0, allowed_networks=LOCAL, per_host_delay=0, respect_robots=False) as fetcher:
        yield fetcher


@pytest.mark.parametrize("value", ["9" * 30, "9" * 5000, "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_a_huge_retry_after_is_clamped(feed_server, fetcher, value):
    """A Retry-After of millions of years asks for a week: no overflow, and the back-off can use it."""
    feed_server.set("/rss.xml", status=503, body="later", headers={"Retry-After": value})
    with pytest.raises(FetchError) as raised:
        fetcher.fetch(feed_server.url("/rss.xml"))
    assert raised.value.retry_after == MAX_RETRY_AFTER == timedelta(days=7)
    assert str(raised.value) == "HTTP 503 Service Unavailable (retry after 604800 s)"
    assert backoff(3, retry_after=raised.value.retry_after) == timedelta(days=7)


def test_a_huge_max_age_is_clamped(feed_server, fetcher):
    """Cache-Control max-age past a day comes back as a day."""
    feed_server.set("/rss.xml", headers={"Cache-Control": f"public, max-age={'9' * 40}"})
    assert fetcher.fetch(feed_server.url("/rss.xml")).max_age == MAX_MAX_AGE == timedelta(days=1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("120", timedelta(seconds=120)), ("-5", None), ("soon", None), ("١٢٠", None), ("", None), (None, None)],
)
def test_retry_after_values(value, expected):
    """Delay-seconds in ASCII digits, or an HTTP date; anything else is no hint."""
    assert retry_after(value) == expected


def test_max_age_values():
    assert max_age("no-cache, max-age=60") == timedelta(seconds=60)
    assert max_age('max-age="30"') == timedelta(seconds=30)
    assert max_age("s-maxage=60") is None and max_age(None) is None


def test_over_long_validators_are_dropped(feed_server, fetcher):
    """An ETag over 500 characters or a Last-Modified over 100 would not fit where they are kept: None."""
    feed_server.set("/rss.xml", headers={"ETag": '"' + "e" * 600 + '"', "Last-Modified": "x" * 150})
    result = fetcher.fetch(feed_server.url("/rss.xml"))
    assert result.etag is None and result.last_modified is None
    feed_server.set("/rss.xml", etag='"' + "e" * 498 + '"', last_modified="Thu, 16 May 2024 17:05:11 GMT")
    result = fetcher.fetch(feed_server.url("/rss.xml"))
    assert len(result.etag) == 500 and result.last_modified == "Thu, 16 May 2024 17:05:11 GMT"


def test_backoff_never_overflows():
    """However many failures, and whatever the base, the back-off stays within its cap."""
    assert backoff(10**9) == timedelta(days=1)
    assert backoff(63, base=timedelta(days=30), cap=timedelta(days=365)) == timedelta(days=365)
    assert backoff(100, base=timedelta(0)) == timedelta(0)
