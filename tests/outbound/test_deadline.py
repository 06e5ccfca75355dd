"""One deadline per request: a server that answers a byte a second, or a resolver that hangs, cannot hold a worker.

The elapsed-time assertions are upper bounds (the timeout plus slack for a
busy machine), never speed claims.
"""

import socket
import threading
import time

import pytest

from newsdesk.outbound import Fetcher, FetchError
from newsdesk.webhooks.delivery import post

from .conftest import LOCAL, USER_AGENT

TIMEOUT = 2.0
SLACK = 2.0


def timed_failure(call, *args) -> tuple[FetchError, float]:
    started = time.monotonic()
    with pytest.raises(FetchError) as raised:
        call(*args)
    return raised.value, time.monotonic() - started


@pytest.mark.parametrize("respect_robots", [False, True], ids=["page", "robots.txt"])
def test_headers_trickling_a_byte_a_second_time_out(trickling_server, respect_robots):
    """Every read succeeds within the timeout, yet the fetch ends once the whole request has taken it."""
    with Fetcher(
        USER_AGENT, timeout=TIMEOUT, allowed_networks=LOCAL, per_host_delay=0, respect_robots=respect_robots
    ) as fetcher:
        error, elapsed = timed_failure(fetcher.fetch, trickling_server.url)
    assert (error.kind, str(error)) == ("timeout", "Timed out after 2 s")
    assert elapsed < TIMEOUT + SLACK
    assert trickling_server.connections == 1


def test_a_webhook_receiver_trickling_its_answer_times_out(trickling_server, settings):
    """The webhook sender has the same deadline."""
    settings.NEWSDESK_FETCH_ALLOWED_NETWORKS = ("127.0.0.1/32",)
    settings.NEWSDESK_WEBHOOK_TIMEOUT = TIMEOUT
    error, elapsed = timed_failure(post, trickling_server.url, b"{}", {"Content-Type": "application/json"})
    assert (error.kind, str(error)) == ("timeout", "Timed out after 2 s")
    assert elapsed < TIMEOUT + SLACK


def test_a_hanging_name_lookup_times_out(resolver):
    """The lookup counts against the deadline too: a resolver that takes ages ends the fetch at the timeout."""
    resolver.names["slow.example"] = ["93.184.216.34"]
    resolver.delay = TIMEOUT + 3
    with Fetcher(USER_AGENT, timeout=TIMEOUT, per_host_delay=0, respect_robots=False) as fetcher:
        error, elapsed = timed_failure(fetcher.fetch, "http://slow.example/feed.xml")
    assert error.kind == "timeout"
    assert elapsed < TIMEOUT + SLACK


def test_a_body_arriving_in_time_is_read(feed_server):
    """A response that keeps within the deadline is read whole (the deadline is not a speed limit)."""
    feed_server.set("/rss.xml", stream=4 * 64 * 1024, chunk_delay=0.1)
    with Fetcher(USER_AGENT, timeout=TIMEOUT + 3, allowed_networks=LOCAL, per_host_delay=0) as fetcher:
        assert len(fetcher.fetch(feed_server.url("/rss.xml")).content) == 4 * 64 * 1024



def endless_head(listener):
    """Answer one request with a status line, then header lines until the client hangs up (10 MB at most)."""
    connection, _address = listener.accept()
    with connection:
        try:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\n")
            for _ in range(10 * 1024 * 1024 // 4096):
                connection.sendall(b"X-Filler: " + b"a" * 4084 + b"\r\n")
        except OSError:
            return  # the client gave up: that is the test


def test_headers_that_never_end_are_refused_as_too_large():
    """A head that keeps growing is cut off at the HTTP parser's buffer, with a reason an editor can read."""
    listener = socket.create_server(("127.0.0.1", 0))
    server = threading.Thread(target=endless_head, args=(listener,), daemon=True)
    server.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/feed.xml"
    try:
        with Fetcher(USER_AGENT, timeout=TIMEOUT * 5, allowed_networks=LOCAL, respect_robots=False) as fetcher:
            error, _elapsed = timed_failure(fetcher.fetch, url)
    finally:
        server.join(timeout=10)
        listener.close()
    assert (error.kind, str(error)) == ("bad_response", "Response headers too large")
