"""robots.txt (RFC 9309): fetched once per origin, cached, and asked before every request."""

from __future__ import annotations

import threading
import time
import urllib.robotparser
from dataclasses import dataclass

from .client import Client, redirect_location, split_origin
from .errors import FetchError
from .pacing import HostPacing

# RFC 9309 asks crawlers to read at least 500 KiB of a robots.txt; the rest
# may be ignored. Reading no more also bounds what a hostile host can send us,
# compressed or not.
ROBOTS_MAX_BYTES = 500 * 1024
# RFC 9309: a cached robots.txt should not be used for more than 24 hours.
ROBOTS_TTL = 24 * 3600.0
# After a 5xx the whole host counts as disallowed. Keeping that answer for a
# minute spares a struggling server the same robots.txt request from every
# item of one polling round; the next round tries again.
ROBOTS_UNREACHABLE_TTL = 60.0
# A Crawl-delay is honoured up to this many seconds. A longer one would hold
# a worker thread asleep for minutes on every fetch from that host; a source
# that wants to be read that rarely should get a longer polling interval.
MAX_CRAWL_DELAY = 30.0
# Failures that say nothing about robots.txt but about reaching the host at
# all: reported as what they are, and not cached.
UNREACHABLE_HOST = frozenset({"timeout", "network", "blocked_address"})


@dataclass
class _Robots:
    parser: urllib.robotparser.RobotFileParser | None  # None: everything allowed
    unreachable: str | None  # why the host counts as disallowed for now
    expires: float


class RobotsRules:
    """The robots.txt rules of every origin one fetcher talks to, fetched through its client and pacing.

    ``user_agent``'s first token (before the "/") picks the robots.txt group,
    as urllib.robotparser matches it.
    """

    def __init__(self, client: Client, pacing: HostPacing, user_agent: str, per_host_delay: float, max_redirects: int):
        self._client = client
        self._pacing = pacing
        self.user_agent = user_agent
        self.per_host_delay = per_host_delay
        self.max_redirects = max_redirects
        self._lock = threading.Lock()
        self._robots: dict[str, _Robots] = {}
        self._origin_locks: dict[str, threading.Lock] = {}

    def crawl_delay(self, url: str) -> float:
        """Raise ``FetchError("robots")`` unless robots.txt lets us fetch ``url``; return its crawl delay."""
        _host, origin = split_origin(url)
        robots = self._robots_for(origin)
        if robots.unreachable:
            raise FetchError("robots", robots.unreachable, url=url)
        if robots.parser is None:
            return 0.0
        if not robots.parser.can_fetch(self.user_agent, url):
            raise FetchError("robots", f"robots.txt of {origin} disallows {url}", url=url)
        delay = robots.parser.crawl_delay(self.user_agent) or 0.0
        rate = robots.parser.request_rate(self.user_agent)
        if rate and rate.requests:
            delay = max(delay, rate.seconds / rate.requests)
        return min(float(delay), MAX_CRAWL_DELAY)

    def _robots_for(self, origin: str) -> _Robots:
        with self._lock:
            lock = self._origin_locks.setdefault(origin, threading.Lock())
        # One thread fetches an origin's robots.txt; the others wait for its answer.
        with lock:
            with self._lock:
                cached = self._robots.get(origin)
            if cached is not None and cached.expires > time.monotonic():
                return cached
            robots = self._fetch(origin)
            with self._lock:
                self._robots[origin] = robots
            return robots

    def _fetch(self, origin: str) -> _Robots:
        """robots.txt by RFC 9309: 4xx allows everything; 5xx or 429 disallows for now.

        A host we cannot reach at all is not fetched from either, but that
        failure is reported as what it is (network, timeout, blocked address)
        rather than as a robots.txt problem, and not cached.
        """
        url = origin + "/robots.txt"
        unreachable = f"robots.txt of {origin} could not be read ({{reason}}); not fetching from it for now"
        for _ in range(self.max_redirects + 1):
            try:
                host, _origin = split_origin(url)
            except FetchError:
                break  # redirected somewhere that cannot be fetched: unavailable
            try:
                with self._pacing.turn(host, self.per_host_delay) as sent, self._client.open(
                    "GET", url, {"Accept": "text/plain"}, on_sent=sent
                ) as response:
                    location = redirect_location(response)
                    if location is None and 200 <= response.status < 300:
                        return self._parsed(response.read(ROBOTS_MAX_BYTES, truncate=True))
                    status = response.status
            except FetchError as error:
                if error.kind in UNREACHABLE_HOST:
                    raise
                reason = str(error)
            else:
                if location is not None:
                    url = location
                    continue
                if 400 <= status < 500 and status != 429:
                    break
                reason = f"HTTP {status}"
            return _Robots(None, unreachable.format(reason=reason), time.monotonic() + ROBOTS_UNREACHABLE_TTL)
        # RFC 9309: unavailable (4xx, or past the redirect limit) means no restrictions.
        return _Robots(None, None, time.monotonic() + ROBOTS_TTL)

    def _parsed(self, body: bytes) -> _Robots:
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(body.decode("utf-8", errors="replace").splitlines())
        return _Robots(parser, None, time.monotonic() + ROBOTS_TTL)
