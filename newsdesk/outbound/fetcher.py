"""The fetcher: polite, bounded and address-checked GETs of other outlets' feeds and pages.

One ``Fetcher`` serves every worker thread. For each request it:

1. refuses URLs that are not http(s);
2. honours the host's robots.txt (``robots.py``: fetched once per origin and cached);
3. waits for a free slot on the host and for its turn (``pacing.py``: at most
   ``per_host_concurrency`` requests in flight, starts at least
   ``per_host_delay`` apart, or the robots.txt Crawl-delay if longer);
4. sends the GET through the client (``client.py``): connections only to
   addresses the guard allows, one deadline for the whole request, the body
   capped at ``max_bytes`` and decoded in bounded steps; conditional when it
   has an ETag or Last-Modified;
5. follows redirects itself, so each hop goes through 1–4, loops are caught,
   and credentials and the caller's own headers stay with the first origin.

Failures raise ``FetchError`` with a ``kind`` the pipeline can act on and a
message an editor can read.

Pure Python: nothing here imports Django; every knob is an argument.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta
from http import HTTPStatus
from typing import Self

from . import headers as response_headers
from .client import Client, Response, headers_for, redirect_location, split_origin
from .errors import FetchError
from .guard import AddressGuard
from .pacing import HostPacing
from .robots import RobotsRules

# Longest validators kept: the lengths of the columns that store them
# (Source.etag and Source.last_modified). Real ones are far shorter. A longer
# one is dropped rather than cut, because a validator cut short never
# matches again; without one the next fetch is simply unconditional.
ETAG_MAX_LENGTH = 500
LAST_MODIFIED_MAX_LENGTH = 100


@dataclass(frozen=True)
class FetchResult:
    """A successful (2xx) or not-modified (304) response, body fully read and decoded."""

    url: str  # final URL, after redirects
    status: int
    content: bytes
    content_type: str | None  # media type only, lower case: "application/rss+xml"
    encoding: str | None  # charset from the Content-Type header, if any
    etag: str | None  # None when absent or longer than ETAG_MAX_LENGTH
    last_modified: str | None  # None when absent or longer than LAST_MODIFIED_MAX_LENGTH
    not_modified: bool
    max_age: timedelta | None  # Cache-Control max-age: a hint for the next poll, at most a day
    elapsed: timedelta  # time spent on the request(s), politeness waits excluded
    redirects: tuple[str, ...] = field(default=())  # URLs before ``url``, in order


class Fetcher:
    """Fetches URLs politely and safely; one instance is shared by all threads.

    ``user_agent`` should name the site and a contact URL, e.g.
    "NewsdeskBot/1.0 (+https://news.example/about)". robots.txt groups are
    matched on its first token (before the "/"), as urllib.robotparser does.
    ``allowed_networks`` (CIDR strings, "127.0.0.1/32") and
    ``allowed_addresses`` (address:port pairs, "127.0.0.1:8000") may be
    fetched from even though they are not public. ``pacing`` replaces the
    process's own per-host limits (``SharedPacing``, shared with other
    processes); it brings its own concurrency.
    """

    def __init__(
        self,
        user_agent: str,
        timeout: float = 20.0,
        max_bytes: int = 5_000_000,
        max_redirects: int = 5,
        allowed_networks=(),
        per_host_concurrency: int = 2,
        per_host_delay: float = 1.0,
        respect_robots: bool = True,
        allowed_addresses=(),
        pacing=None,
    ):
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.per_host_delay = per_host_delay
        self.respect_robots = respect_robots
        self.guard = AddressGuard(allowed_networks, allowed_addresses)
        # Another pacing (shared_pacing.py) may keep the limits across processes.
        self._pacing = pacing or HostPacing(per_host_concurrency)
        self._client = Client(self.guard, user_agent, timeout)
        self._robots = RobotsRules(self._client, self._pacing, user_agent, per_host_delay, max_redirects)

    @property
    def per_host_concurrency(self) -> int:
        """Requests in flight to one host at most: what a scheduler can usefully start for one host."""
        return self._pacing.per_host_concurrency

    def close(self) -> None:
        """Close pooled connections. The fetcher stays usable: a shared one may be closed by anyone."""
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def fetch(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        headers: dict[str, str] | None = None,
        accept: str | None = None,
    ) -> FetchResult:
        """GET ``url`` and return its body; raise ``FetchError`` on any failure.

        ``etag`` and ``last_modified`` are the validators from the previous
        fetch; when the resource has not changed the result has
        ``not_modified=True`` and empty content. ``headers`` (a source's own,
        such as an API key) are sent to ``url``'s origin only, not to
        another origin it redirects to.
        """
        request_headers = {}
        if accept:
            request_headers["Accept"] = accept
        if etag:
            request_headers["If-None-Match"] = etag
        if last_modified:
            request_headers["If-Modified-Since"] = last_modified
        request_headers.update(headers or {})

        chain = [url]
        elapsed = 0.0
        current = url
        while True:
            host, _origin = split_origin(current)
            interval = self.per_host_delay
            if self.respect_robots:
                interval = max(interval, self._robots.crawl_delay(current))
            hop_headers = headers_for(current, url, request_headers, private=headers or ())
            with self._pacing.turn(host, interval) as sent:
                started = time.monotonic()
                try:
                    outcome = self._get(current, hop_headers, sent)
                finally:
                    elapsed += time.monotonic() - started
            if isinstance(outcome, str):  # a redirect's target
                current = outcome
                if _without_fragment(current) in map(_without_fragment, chain):
                    raise FetchError("redirect_loop", "Redirect loop: " + " → ".join(chain + [current]), url=current)
                chain.append(current)
                if len(chain) - 1 > self.max_redirects:
                    raise FetchError(
                        "too_many_redirects",
                        f"More than {self.max_redirects} redirects: " + " → ".join(chain),
                        url=current,
                    )
                continue
            return FetchResult(**outcome, elapsed=timedelta(seconds=elapsed), redirects=tuple(chain[:-1]))

    def _get(self, url: str, headers: dict[str, str], sent) -> str | dict:
        """One GET, no redirect followed: the redirect's target, or the fields of a ``FetchResult``."""
        with self._client.open("GET", url, headers, on_sent=sent) as response:
            location = redirect_location(response)
            if location is not None:
                return location
            status = response.status
            if status != 304 and not 200 <= status < 300:
                raise _status_error(response)
            content = b"" if status == 304 else response.read(self.max_bytes)
        media_type, charset = response_headers.split_content_type(response.headers.get("content-type"))
        return {
            "url": url,
            "status": status,
            "content": content,
            "content_type": media_type,
            "encoding": charset,
            "etag": _at_most(response.headers.get("etag"), ETAG_MAX_LENGTH),
            "last_modified": _at_most(response.headers.get("last-modified"), LAST_MODIFIED_MAX_LENGTH),
            "not_modified": status == 304,
            "max_age": response_headers.max_age(response.headers.get("cache-control")),
        }


def _status_error(response: Response) -> FetchError:
    status = response.status
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = response.reason or "Unknown status"
    retry_after = None
    if status in (429, 503):
        retry_after = response_headers.retry_after(response.headers.get("retry-after"))
    message = f"HTTP {status} {phrase}"
    if retry_after is not None:
        message += f" (retry after {int(retry_after.total_seconds())} s)"
    return FetchError("http_status", message, status=status, retry_after=retry_after, url=response.url)


def _at_most(value: str | None, length: int) -> str | None:
    return value if value is not None and len(value) <= length else None


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]
