"""One worker polling many sources at once, and several workers sharing the per-host limits.

Each host is a server of its own on 127.0.0.2, 127.0.0.3, … (Linux routes
all of 127.0.0.0/8 to the loopback) that counts the requests it is
answering at once and notes when each started, so the limits are checked
where a real outlet would see them. The polls run in race processes
(tests/racing.py) on a SQLite file in WAL mode, as a laptop install runs,
so their threads write to one database at once for real.
"""

import shutil
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.racing import prepared_database

ARTICLE = (Path(__file__).parent / "feeds" / "2024" / "05" / "16"
           / "night-trains-return-to-the-coast-line-after-nine-years.html").read_bytes()
ANSWER_SECONDS = 0.15


class CountingHost:
    """A slow host that serves feeds of `items` articles and counts its requests in flight."""

    def __init__(self, address, items):
        self.items = items
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0
        self.starts = []
        self.answered = []  # (start, end) of each request
        self.server = ThreadingHTTPServer((address, 0), self.handler())
        self.server.daemon_threads = True
        self.base = f"http://{address}:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def handler(self):
        host = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                start = time.monotonic()
                with host.lock:
                    host.in_flight += 1
                    host.most_in_flight = max(host.most_in_flight, host.in_flight)
                    host.starts.append(start)
                try:
                    time.sleep(ANSWER_SECONDS)
                    body, kind, status = host.answer(self.path)
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                finally:
                    with host.lock:
                        host.in_flight -= 1
                        host.answered.append((start, time.monotonic()))

            def log_message(self, *args):
                pass

        return Handler

    def answer(self, path):
        if path.startswith("/broken/"):
            return b"down for maintenance", "text/plain", 500
        if path.endswith("/feed.xml"):
            folder = path.rsplit("/", 1)[0]
            entries = "".join(
                f"<item><title>Story {number} of {folder}</title><link>{self.base}{folder}/{number}.html</link>"
                f"<guid>{self.base}{folder}/{number}</guid></item>"
                for number in range(self.items)
            )
            feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{folder}</title>{entries}</channel></rss>'
            return feed.encode(), "application/rss+xml", 200
        if path.endswith(".html"):
            return ARTICLE, "text/html; charset=utf-8", 200
        return b"", "text/plain", 404

    def feed(self, name):
        return f"{self.base}/{name}/feed.xml"

    def shortest_gap(self):
        starts = sorted(self.starts)
        return min((b - a for a, b in zip(starts, starts[1:])), default=float("inf"))

    def busy_while(self, other):
        """Whether this host was answering a request while `other` was answering one."""
        return any(a < d and c < b for a, b in self.answered for c, d in other.answered)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hosts():
    started = []

    def start(count, items):
        for number in range(count):
            started.append(CountingHost(f"127.0.0.{number + 2}", items))
        return started

    yield start
    for host in started:
        host.stop()


@pytest.fixture
def race_sqlite(request, tmp_path_factory):
    return prepared_database("sqlite", request, tmp_path_factory)


# --- run in the race process ----------------------------------------------------


def in_child_poll_round(urls):
    from newsdesk.outbound.configured import shared_fetcher
    from newsdesk.wire.models import Source, WireItem
    from newsdesk.wire.polling import poll_concurrently

    Source.objects.filter(url__in=urls).delete()
    sources = [Source.objects.create(name=url, url=url) for url in urls]
    outcomes = {source.url: outcome for source, outcome in poll_concurrently(sources, shared_fetcher())}
    items = WireItem.objects.filter(source__in=sources)
    return {
        "ok": {url: bool(outcome and outcome.ok) for url, outcome in outcomes.items()},
        "errors": {url: outcome.error for url, outcome in outcomes.items() if outcome},
        "items": {url: items.filter(source__url=url).count() for url in urls},
        "feed_only": items.filter(from_feed_only=True).count(),
        "distinct": items.values("source_id", "identity_key").distinct().count(),
        "total": items.count(),
        "languages": sorted(set(items.values_list("language", flat=True))),
    }


# --- the tests --------------------------------------------------------------------


def test_one_worker_polls_hosts_at_once_within_each_hosts_limit(race_sqlite, hosts):
    """Six sources on two hosts, one broken: both hosts busy at once, never over two requests each, all stored once."""
    first, second = hosts(2, items=3)
    urls = [first.feed("a"), first.feed("b"), first.feed("c"), second.feed("d"), second.feed("e"),
            second.feed("broken")]
    result = race_sqlite.run(
        "tests.wire.test_concurrent_polling:in_child_poll_round", urls=urls,
        # Pages extracted in a process of their own (extraction_pool.py), stored just the same.
        settings={"NEWSDESK_FETCH_ALLOWED_NETWORKS": "127.0.0.0/8", "NEWSDESK_FETCH_PER_HOST_CONCURRENCY": 2,
                  "NEWSDESK_POLL_CONCURRENCY": 8, "NEWSDESK_EXTRACTION_PROCESSES": 1},
    )
    assert first.most_in_flight == second.most_in_flight == 2
    broken = second.feed("broken")
    assert result["ok"] == {url: url != broken for url in urls}
    assert "500" in result["errors"][broken]
    assert result["items"] == {url: 0 if url == broken else 3 for url in urls}
    assert result["distinct"] == result["total"] == 15 and result["feed_only"] == 0
    assert result["languages"] == ["en"]  # read from the page: extraction ran
    assert first.busy_while(second)


def test_two_worker_processes_share_one_hosts_limits(race_sqlite, hosts):
    """Two workers poll sources of one host at once: it sees one request at a time, 0.3 s apart."""
    (host,) = hosts(1, items=2)
    settings = {"NEWSDESK_FETCH_ALLOWED_NETWORKS": "127.0.0.0/8", "NEWSDESK_FETCH_PER_HOST_CONCURRENCY": 1,
                "NEWSDESK_FETCH_PER_HOST_DELAY": 0.3, "NEWSDESK_POLL_CONCURRENCY": 4}
    results = run_two_workers(race_sqlite, host, settings)
    assert all(result["total"] == result["distinct"] == 4 for result in results)
    assert host.most_in_flight == 1
    assert host.shortest_gap() >= 0.3
    assert len(host.starts) == 2 * 7  # each: robots.txt, two feeds and four pages


def run_two_workers(database, host, settings):
    """Each worker polls two sources of `host` of its own; both start together."""

    def worker(number):
        urls = [host.feed(f"worker{number}-{letter}") for letter in "xy"]
        return database.run("tests.wire.test_concurrent_polling:in_child_poll_round", urls=urls, settings=settings)

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(worker, range(2)))


@pytest.fixture
def redis_url(tmp_path):
    """A Redis server of the test's own, on a free local port."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


def test_workers_share_the_limits_through_redis(race_sqlite, hosts, redis_url):
    """With NEWSDESK_REDIS_URL set, the limits are shared through Redis, as workers on several machines need."""
    (host,) = hosts(1, items=2)
    settings = {"NEWSDESK_FETCH_ALLOWED_NETWORKS": "127.0.0.0/8", "NEWSDESK_FETCH_PER_HOST_CONCURRENCY": 1,
                "NEWSDESK_FETCH_PER_HOST_DELAY": 0.3, "NEWSDESK_POLL_CONCURRENCY": 4,
                "NEWSDESK_REDIS_URL": redis_url, "NEWSDESK_FETCH_SHARED_LIMITS": "redis"}
    results = run_two_workers(race_sqlite, host, settings)
    assert all(result["total"] == result["distinct"] == 4 for result in results)
    assert host.most_in_flight == 1
    assert host.shortest_gap() >= 0.3
