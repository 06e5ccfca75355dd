"""Fetching: conditional GET, decoding, every failure kind, the address guard, robots.txt and politeness."""

import itertools
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from newsdesk.outbound import AddressGuard, Fetcher, FetchError, backoff
from tests.support import free_port

USER_AGENT = "NewsdeskTest/1.0 (+http://newsdesk.test/about)"
LOCAL = ["127.0.0.1/32"]


@pytest.fixture
def fetcher():
    """A fetcher allowed to reach the test server, with no pacing to slow the tests down."""
    with Fetcher(USER_AGENT, timeout=2.0, allowed_networks=LOCAL, per_host_delay=0) as fetcher:
        yield fetcher


def fetch_error(fetcher, url, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as raised:
        fetcher.fetch(url, **kwargs)
    return raised.value


def starts(requests):
    return [request.started for request in requests]


# --- success ----------------------------------------------------------------


def test_fetch_returns_the_body_and_its_metadata(feed_server, fetcher):
    """A 200 gives the body, the media type and charset apart, and the User-Agent was sent."""
    result = fetcher.fetch(feed_server.url("/rss.xml"), accept="application/rss+xml")

    assert result.status == 200
    assert result.content == feed_server.saved("rss.xml")
    assert result.content_type == "application/rss+xml"
    assert result.encoding == "utf-8"
    assert result.url == feed_server.url("/rss.xml")
    assert not result.not_modified
    assert result.elapsed > timedelta(0)
    request = feed_server.requests_to("/rss.xml")[0]
    assert request.headers["User-Agent"] == USER_AGENT
    assert request.headers["Accept"] == "application/rss+xml"


def test_second_fetch_is_conditional_and_not_modified(feed_server, fetcher):
    """With the validators of the first response, the second fetch sends them and gets 304."""
    feed_server.set("/rss.xml", etag='"rss-v1"', last_modified="Thu, 16 May 2024 17:05:11 GMT")
    first = fetcher.fetch(feed_server.url("/rss.xml"))
    assert (first.etag, first.last_modified) == ('"rss-v1"', "Thu, 16 May 2024 17:05:11 GMT")

    second = fetcher.fetch(feed_server.url("/rss.xml"), etag=first.etag, last_modified=first.last_modified)

    assert second.not_modified and second.status == 304 and second.content == b""
    conditional = feed_server.requests_to("/rss.xml")[1].headers
    assert conditional["If-None-Match"] == '"rss-v1"'
    assert conditional["If-Modified-Since"] == "Thu, 16 May 2024 17:05:11 GMT"


def test_if_modified_since_alone_gets_not_modified(feed_server, fetcher):
    """A server that only gives Last-Modified answers 304 to If-Modified-Since."""
    feed_server.set("/atom.xml", last_modified="Fri, 17 May 2024 06:30:00 GMT")
    result = fetcher.fetch(feed_server.url("/atom.xml"), last_modified="Fri, 17 May 2024 06:30:00 GMT")
    assert result.not_modified


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_compressed_bodies_are_decoded(feed_server, fetcher, encoding):
    """gzip, deflate and brotli bodies are asked for and come back decoded."""
    if encoding == "br":
        pytest.importorskip("brotli")
    feed_server.set("/rss.xml", encoding=encoding)

    result = fetcher.fetch(feed_server.url("/rss.xml"))

    assert result.content == feed_server.saved("rss.xml")
    assert encoding in feed_server.requests_to("/rss.xml")[0].headers["Accept-Encoding"]


def test_cache_control_max_age_is_a_retry_hint(feed_server, fetcher):
    """On success, Cache-Control max-age comes back as max_age."""
    feed_server.set("/rss.xml", headers={"Cache-Control": "public, max-age=900"})
    assert fetcher.fetch(feed_server.url("/rss.xml")).max_age == timedelta(seconds=900)


def test_redirects_are_followed_to_the_final_url(feed_server, fetcher):
    """A chain of redirects (absolute and relative Locations) ends at the final URL."""
    feed_server.redirect("/old-feed", feed_server.url("/moved-feed"), status=301)
    feed_server.redirect("/moved-feed", "/rss.xml", status=307)

    result = fetcher.fetch(feed_server.url("/old-feed"))

    assert result.url == feed_server.url("/rss.xml")
    assert result.redirects == (feed_server.url("/old-feed"), feed_server.url("/moved-feed"))
    assert result.content == feed_server.saved("rss.xml")


# --- failures ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "message"),
    [(404, "HTTP 404 Not Found"), (410, "HTTP 410 Gone"), (500, "HTTP 500 Internal Server Error")],
)
def test_error_statuses_raise_http_status(feed_server, fetcher, status, message):
    """A 4xx or 5xx answer is an http_status failure named by its status line."""
    feed_server.set("/rss.xml", status=status, body="nope")
    error = fetch_error(fetcher, feed_server.url("/rss.xml"))
    assert (error.kind, error.status, str(error)) == ("http_status", status, message)
    assert error.retry_after is None


def test_too_many_requests_carries_retry_after(feed_server, fetcher):
    """429 with Retry-After in seconds gives that delay."""
    feed_server.set("/rss.xml", status=429, body="slow down", headers={"Retry-After": "120"})
    error = fetch_error(fetcher, feed_server.url("/rss.xml"))
    assert error.kind == "http_status" and error.status == 429
    assert error.retry_after == timedelta(seconds=120)
    assert str(error) == "HTTP 429 Too Many Requests (retry after 120 s)"


def test_unavailable_with_an_http_date_retry_after(feed_server, fetcher):
    """503 with Retry-After as an HTTP date gives the time until then."""
    later = format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True)
    feed_server.set("/rss.xml", status=503, body="maintenance", headers={"Retry-After": later})
    error = fetch_error(fetcher, feed_server.url("/rss.xml"))
    assert error.status == 503
    assert timedelta(hours=1, minutes=58) < error.retry_after <= timedelta(hours=2)


def test_slow_response_times_out(feed_server):
    """A server that does not answer within the timeout is a timeout failure."""
    feed_server.set("/rss.xml", delay=1.5)
    with Fetcher(USER_AGENT, timeout=0.5, allowed_networks=LOCAL, per_host_delay=0) as fetcher:
        error = fetch_error(fetcher, feed_server.url("/rss.xml"))
    assert (error.kind, str(error)) == ("timeout", "Timed out after 0.5 s")


def test_body_dripping_past_the_timeout_times_out(feed_server):
    """Each read is quick, but the whole body takes too long: still a timeout."""
    feed_server.set("/rss.xml", stream=12 * 64 * 1024, chunk_delay=0.1)
    with Fetcher(USER_AGENT, timeout=0.5, allowed_networks=LOCAL, per_host_delay=0) as fetcher:
        error = fetch_error(fetcher, feed_server.url("/rss.xml"))
    assert error.kind == "timeout"


@pytest.mark.parametrize("content_length", [True, False], ids=["announced", "unannounced"])
def test_oversized_body_is_refused(feed_server, fetcher, content_length):
    """6 MB is over the 5 MB default, whether Content-Length says so up front or not."""
    feed_server.set("/rss.xml", stream=6_000_000, content_length=content_length)
    error = fetch_error(fetcher, feed_server.url("/rss.xml"))
    assert (error.kind, str(error)) == ("too_large", "Response larger than 5,000,000 bytes")


def test_small_gzip_that_inflates_past_the_limit_is_refused(feed_server, fetcher):
    """The limit applies to the decoded body: a compression bomb is stopped."""
    feed_server.set("/rss.xml", body=b"\0" * 6_000_000, encoding="gzip")
    assert fetch_error(fetcher, feed_server.url("/rss.xml")).kind == "too_large"


def test_redirect_loop_is_detected(feed_server, fetcher):
    """A redirect back to a URL already visited is a loop, shown hop by hop."""
    feed_server.redirect("/a", "/b")
    feed_server.redirect("/b", "/a")
    error = fetch_error(fetcher, feed_server.url("/a"))
    a, b = feed_server.url("/a"), feed_server.url("/b")
    assert (error.kind, str(error)) == ("redirect_loop", f"Redirect loop: {a} → {b} → {a}")


def test_too_many_redirects(feed_server, fetcher):
    """More than max_redirects hops is refused."""
    for hop in range(1, 8):
        feed_server.redirect(f"/hop{hop}", f"/hop{hop + 1}")
    error = fetch_error(fetcher, feed_server.url("/hop1"))
    assert error.kind == "too_many_redirects"
    assert str(error).startswith(f"More than 5 redirects: {feed_server.url('/hop1')} → ")
    assert len(feed_server.requests_to("/hop6")) == 1 and not feed_server.requests_to("/hop7")


def test_nothing_listening_is_a_network_failure():
    """A refused connection is a network failure."""
    with Fetcher(USER_AGENT, allowed_networks=LOCAL, per_host_delay=0) as fetcher:
        error = fetch_error(fetcher, f"http://127.0.0.1:{free_port()}/rss.xml")
    assert error.kind == "network" and str(error).startswith("Could not connect")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://news.example/feed.xml", "Not an http(s) URL: ftp://news.example/feed.xml"),
        ("news.example/feed.xml", "Not an http(s) URL: news.example/feed.xml"),
        ("http:///feed.xml", "URL without a host: http:///feed.xml"),
        ("http://news.example:99999/feed.xml", "Invalid URL http://news.example:99999/feed.xml: "),
    ],
)
def test_bad_urls_are_refused_before_any_request(fetcher, url, message):
    """Only http(s) URLs with a host are fetched."""
    error = fetch_error(fetcher, url)
    assert error.kind == "bad_url" and str(error).startswith(message)


# --- the address guard --------------------------------------------------------


def test_loopback_is_refused_unless_allowed(feed_server):
    """127.0.0.1 is refused by default, and never contacted."""
    with Fetcher(USER_AGENT, per_host_delay=0) as fetcher:
        error = fetch_error(fetcher, feed_server.url("/rss.xml"))
    assert (error.kind, str(error)) == ("blocked_address", "Refused to connect to 127.0.0.1: loopback address")
    assert feed_server.requests == []


def test_allowed_network_is_fetched(feed_server):
    """An address inside allowed_networks is fetched."""
    with Fetcher(USER_AGENT, allowed_networks=["127.0.0.1/32"], per_host_delay=0) as fetcher:
        assert fetcher.fetch(feed_server.url("/rss.xml")).status == 200


def test_redirect_to_a_refused_address_is_refused(feed_server, fetcher):
    """Each redirect hop is checked: an allowed host cannot bounce us to a refused one."""
    feed_server.redirect("/rss.xml", f"http://127.0.0.2:{feed_server.port}/internal")
    error = fetch_error(fetcher, feed_server.url("/rss.xml"))
    assert (error.kind, str(error)) == ("blocked_address", "Refused to connect to 127.0.0.2: loopback address")


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.0.0.5", "private address"),
        ("172.16.4.1", "private address"),
        ("192.168.1.20", "private address"),
        ("127.0.0.1", "loopback address"),
        ("::1", "loopback address"),
        ("169.254.169.254", "link-local address"),  # cloud metadata services
        ("fe80::1", "link-local address"),
        ("fd12:3456::1", "private address"),
        ("::ffff:10.0.0.5", "private address"),
        ("100.64.0.1", "non-public address"),  # carrier-grade NAT
        ("0.0.0.0", "reserved address"),
        ("240.0.0.1", "reserved address"),
        ("224.0.0.251", "multicast address"),
        ("93.184.216.34", None),
        ("2606:4700::6810:85e5", None),
    ],
)
def test_address_classification(address, reason):
    """Only public addresses may be fetched by default."""
    assert AddressGuard().refusal(address) == reason


def test_refusal_names_the_address():
    """The guard's message names what it refused and why (no connection is attempted)."""
    with pytest.raises(FetchError) as raised:
        AddressGuard().check("10.0.0.5", 80)
    assert (raised.value.kind, str(raised.value)) == ("blocked_address", "Refused to connect to 10.0.0.5: private address")
    assert AddressGuard(["10.0.0.0/8"]).check("10.0.0.5", 80) == ["10.0.0.5"]


def test_allowed_networks_as_a_setting_string():
    """A comma-separated string of networks, as an environment variable gives it, is read too."""
    guard = AddressGuard("127.0.0.1/32, 10.0.0.0/8")
    assert guard.refusal("10.0.0.5") is None and guard.refusal("127.0.0.1") is None
    assert guard.refusal("192.168.1.1") == "private address"


# --- robots.txt ---------------------------------------------------------------


def test_robots_disallow_is_respected(feed_server, fetcher):
    """A path robots.txt disallows is not fetched; robots.txt itself is fetched once."""
    feed_server.set("/robots.txt", body="User-agent: *\nDisallow: /private/\n", content_type="text/plain")

    error = fetch_error(fetcher, feed_server.url("/private/feed.xml"))
    assert error.kind == "robots"
    assert str(error) == f"robots.txt of {feed_server.base} disallows {feed_server.url('/private/feed.xml')}"
    assert fetcher.fetch(feed_server.url("/rss.xml")).status == 200
    assert not feed_server.requests_to("/private/feed.xml")
    assert len(feed_server.requests_to("/robots.txt")) == 1


def test_robots_group_for_our_user_agent_applies(feed_server):
    """A group naming our product token applies to us, not to other bots."""
    feed_server.set("/robots.txt", body="User-agent: NewsdeskTest\nDisallow: /\n\nUser-agent: *\nAllow: /\n")
    with Fetcher(USER_AGENT, allowed_networks=LOCAL, per_host_delay=0) as ours:
        assert fetch_error(ours, feed_server.url("/rss.xml")).kind == "robots"
    with Fetcher("OtherBot/2.0", allowed_networks=LOCAL, per_host_delay=0) as other:
        assert other.fetch(feed_server.url("/rss.xml")).status == 200


def test_robots_server_error_disallows_for_now(feed_server, fetcher):
    """RFC 9309: robots.txt answering 5xx means the whole host is off limits for now."""
    feed_server.set("/robots.txt", status=503, body="busy")
    error = fetch_error(fetcher, feed_server.url("/rss.xml"))
    assert error.kind == "robots" and "could not be read (HTTP 503)" in str(error)
    assert not feed_server.requests_to("/rss.xml")


def test_robots_missing_allows_everything(feed_server, fetcher):
    """RFC 9309: robots.txt answering 4xx means no restrictions."""
    feed_server.set("/robots.txt", status=403, body="forbidden")
    assert fetcher.fetch(feed_server.url("/rss.xml")).status == 200


def test_robots_can_be_ignored(feed_server):
    """respect_robots=False neither fetches nor obeys robots.txt."""
    feed_server.set("/robots.txt", body="User-agent: *\nDisallow: /\n")
    with Fetcher(USER_AGENT, allowed_networks=LOCAL, per_host_delay=0, respect_robots=False) as fetcher:
        assert fetcher.fetch(feed_server.url("/rss.xml")).status == 200
    assert not feed_server.requests_to("/robots.txt")


def test_robots_crawl_delay_paces_requests(feed_server, fetcher):
    """A Crawl-delay longer than per_host_delay spaces the requests to that host."""
    feed_server.set("/robots.txt", body="User-agent: *\nCrawl-delay: 1\n")
    fetcher.fetch(feed_server.url("/rss.xml"))
    fetcher.fetch(feed_server.url("/atom.xml"))
    first, second = starts(feed_server.requests_to("/rss.xml") + feed_server.requests_to("/atom.xml"))
    assert second - first >= 0.9  # 1 s, less the server's varying lag in seeing requests


# --- politeness ---------------------------------------------------------------


def test_requests_to_one_host_start_per_host_delay_apart(feed_server):
    """Fetches to one host, sequential or from several threads, start at least per_host_delay apart."""
    with Fetcher(USER_AGENT, allowed_networks=LOCAL, per_host_delay=0.3, respect_robots=False) as fetcher:
        fetcher.fetch(feed_server.url("/rss.xml"))
        threads = [threading.Thread(target=fetcher.fetch, args=(feed_server.url(path),))
                   for path in ("/atom.xml", "/rdf.xml", "/feed.json")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    times = sorted(starts(feed_server.requests))
    assert len(times) == 4
    # The server sees each request a little after the fetcher starts it, and
    # that lag varies on a busy machine: allow a tenth of a second of it.
    assert all(later - earlier >= 0.2 for earlier, later in itertools.pairwise(times))


def test_concurrent_requests_to_one_host_are_limited(feed_server):
    """With four threads and a slow host, the host never sees more than per_host_concurrency at once."""
    feed_server.set("/rss.xml", delay=0.5)
    with Fetcher(USER_AGENT, allowed_networks=LOCAL, per_host_delay=0, per_host_concurrency=2,
                 respect_robots=False) as fetcher:
        threads = [threading.Thread(target=fetcher.fetch, args=(feed_server.url("/rss.xml"),)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(feed_server.requests) == 4
    assert feed_server.max_in_flight <= 2


# --- back-off -----------------------------------------------------------------


def test_backoff_doubles_from_the_base_up_to_a_day():
    """5 min after one failure, doubling after each further one, capped at one day."""
    assert [backoff(n) for n in range(1, 6)] == [timedelta(minutes=5 * 2**k) for k in range(5)]
    assert backoff(9) == timedelta(minutes=1280)
    assert backoff(10) == backoff(1000) == timedelta(days=1)
    assert backoff(0) == timedelta(0)


def test_backoff_takes_base_and_cap():
    """The base and cap are arguments."""
    assert backoff(3, base=timedelta(seconds=10), cap=timedelta(seconds=30)) == timedelta(seconds=30)
    assert backoff(2, base=timedelta(seconds=10)) == timedelta(seconds=20)


def test_backoff_is_never_shorter_than_retry_after():
    """A server's Retry-After is a floor, even above the cap."""
    assert backoff(1, retry_after=timedelta(hours=1)) == timedelta(hours=1)
    assert backoff(4, retry_after=timedelta(minutes=1)) == timedelta(minutes=40)
    assert backoff(20, retry_after=timedelta(days=2)) == timedelta(days=2)
