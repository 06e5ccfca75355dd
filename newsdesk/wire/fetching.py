"""Fetching: polite, bounded and address-checked HTTP GETs of other outlets' feeds and pages.

One ``Fetcher`` serves every worker thread. For each request it:

1. refuses URLs that are not http(s);
2. honours the host's robots.txt (fetched once per origin and cached);
3. waits for a free slot on the host (at most ``per_host_concurrency`` requests
   in flight) and for its turn (request starts at least ``per_host_delay``, or
   the robots.txt Crawl-delay if longer, apart);
4. resolves the host itself and refuses private, loopback, link-local and
   reserved addresses (every address the name resolves to, at every redirect
   hop) unless they are in ``allowed_networks``;
5. sends a conditional GET when it has an ETag or Last-Modified, asks for
   gzip/deflate (and brotli when a brotli package is installed);
6. follows redirects itself, so each hop goes through 2–4 and loops are caught;
7. streams the body and stops at ``max_bytes`` (after decompression) or when
   the whole response has taken longer than ``timeout``.

Failures raise ``FetchError`` with a ``kind`` the pipeline can act on and a
message an editor can read. ``backoff()`` says how long to leave a failing
source alone.

Pure Python: nothing here imports Django; every knob is an argument.
"""

from __future__ import annotations

import email.utils
import ipaddress
import socket
import threading
import time
import urllib.robotparser
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Self
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

__all__ = ["AddressGuard", "FetchError", "FetchResult", "Fetcher", "backoff"]

FAILURE_KINDS = (
    "timeout",
    "network",
    "http_status",
    "too_large",
    "redirect_loop",
    "too_many_redirects",
    "blocked_address",
    "robots",
    "bad_url",
)

REDIRECT_STATUSES = {301, 302, 303, 307, 308}

# RFC 9309 asks crawlers to read at least 500 KiB of a robots.txt; the rest
# may be ignored. Reading no more also bounds what a hostile host can send us.
ROBOTS_MAX_BYTES = 500 * 1024
# RFC 9309: a cached robots.txt should not be used for more than 24 hours.
ROBOTS_TTL = 24 * 3600.0
# After a 5xx or network failure the whole host counts as disallowed. Keeping
# that answer for a minute spares a struggling server the same robots.txt
# request from every item of one polling round; the next round tries again.
ROBOTS_UNREACHABLE_TTL = 60.0
# A Crawl-delay is honoured up to this many seconds. A longer one would hold
# a worker thread asleep for minutes on every fetch from that host; a source
# that wants to be read that rarely should get a longer polling interval.
MAX_CRAWL_DELAY = 30.0


def _brotli_available() -> bool:
    # httpx decodes "br" only with one of these installed; advertising it
    # without them would get us bodies we cannot read.
    for name in ("brotli", "brotlicffi"):
        try:
            __import__(name)
        except ImportError:
            continue
        return True
    return False


ACCEPT_ENCODING = "gzip, deflate, br" if _brotli_available() else "gzip, deflate"


class FetchError(Exception):
    """A fetch that did not give a usable response.

    ``kind`` is one of ``FAILURE_KINDS``; ``status`` the HTTP status when there
    was one; ``retry_after`` what the server asked for (429/503 Retry-After);
    ``url`` the URL being fetched when it failed; ``str(error)`` reads well to an
    editor.
    """

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        status: int | None = None,
        retry_after: timedelta | None = None,
        url: str | None = None,
    ):
        if kind not in FAILURE_KINDS:
            raise ValueError(f"Unknown fetch failure kind {kind!r}")
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after
        self.url = url

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class FetchResult:
    """A successful (2xx) or not-modified (304) response, body fully read and decoded."""

    url: str  # final URL, after redirects
    status: int
    content: bytes
    content_type: str | None  # media type only, lower case: "application/rss+xml"
    encoding: str | None  # charset from the Content-Type header, if any
    etag: str | None
    last_modified: str | None
    not_modified: bool
    retry_after: timedelta | None  # on success: the Cache-Control max-age hint
    elapsed: timedelta  # time spent on the request(s), politeness waits excluded
    redirects: tuple[str, ...] = field(default=())  # URLs before ``url``, in order


def backoff(
    consecutive_failures: int,
    base: timedelta = timedelta(minutes=5),
    cap: timedelta = timedelta(days=1),
    retry_after: timedelta | None = None,
) -> timedelta:
    """How long to wait before trying a source again after ``consecutive_failures`` failures.

    ``base`` after the first failure, doubling with each further one, never more
    than ``cap``, and never less than a ``retry_after`` the server gave (a
    server's explicit request wins over the cap). The default base of five
    minutes retries a passing blip (a deploy, a restart) well within a normal
    15–60 minute polling interval, and reaches the one-day cap after the ninth
    failure (5 min × 2⁸ ≈ 21 h): a dead feed is then tried once a day.
    """
    if consecutive_failures <= 0:
        delay = timedelta(0)
    elif consecutive_failures > 40:  # 2**40 × anything sensible is past the cap
        delay = cap
    else:
        delay = min(base * 2 ** (consecutive_failures - 1), cap)
    if retry_after is not None and retry_after > delay:
        delay = retry_after
    return delay


class AddressGuard:
    """Refuses connections to addresses that are not on the public internet.

    A feed URL is typed by an editor, and a redirect is chosen by someone else's
    server: either could point the fetcher at the database, a cloud metadata
    service or an admin panel on the local network. So every address a host
    name resolves to is checked (one bad address is enough to refuse: DNS may
    hand out a different one on the next lookup), and the connection then goes
    to an address that was checked, never to a second lookup's answer.
    """

    def __init__(self, allowed_networks=()):
        if isinstance(allowed_networks, str):  # "127.0.0.1/32" or "127.0.0.1/32, 10.0.0.0/8"
            allowed_networks = allowed_networks.replace(",", " ").split()
        self.allowed_networks = tuple(ipaddress.ip_network(cidr, strict=False) for cidr in allowed_networks)

    def refusal(self, address: str) -> str | None:
        """Why ``address`` may not be fetched from, or None when it may."""
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if any(ip in network for network in self.allowed_networks):
            return None
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            return self.refusal(str(ip.ipv4_mapped))
        if ip.is_loopback:
            return "loopback address"
        if ip.is_link_local:
            return "link-local address"
        if ip.is_multicast:
            return "multicast address"
        if ip.is_unspecified or ip.is_reserved:
            return "reserved address"
        if ip.is_private:
            return "private address"
        if not ip.is_global:
            return "non-public address"
        return None

    def check(self, host: str, port: int) -> list[str]:
        """The addresses ``host`` resolves to, all of them allowed; else ``FetchError``."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            raise FetchError("network", f"Could not resolve {host}: {_os_reason(error)}") from None
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        if not addresses:
            raise FetchError("network", f"Could not resolve {host}: no addresses")
        for address in addresses:
            reason = self.refusal(address)
            if reason is not None:
                shown = host if host == address else f"{host} ({address})"
                raise FetchError("blocked_address", f"Refused to fetch {shown}: {reason}")
        return addresses


class _GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to addresses the guard let through."""

    def __init__(self, guard: AddressGuard):
        self._guard = guard

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        last_error = None
        for address in self._guard.check(host, port):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as error:  # try the host's next address
                last_error = error
        raise last_error


@dataclass
class _HostState:
    slots: threading.Semaphore
    turn: threading.Lock = field(default_factory=threading.Lock)
    last_start: float = float("-inf")


@dataclass
class _Robots:
    parser: urllib.robotparser.RobotFileParser | None  # None: everything allowed
    unreachable: str | None  # why the host counts as disallowed for now
    expires: float


@dataclass
class _Redirect:
    location: str


class Fetcher:
    """Fetches URLs politely and safely; one instance is shared by all threads.

    ``user_agent`` should name the site and a contact URL, e.g.
    "NewsdeskBot/1.0 (+https://news.example/about)". robots.txt groups are
    matched on its first token (before the "/"), as urllib.robotparser does.
    ``allowed_networks`` is an iterable of CIDR strings ("127.0.0.1/32") that
    may be fetched even though they are not public.
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
    ):
        if per_host_concurrency < 1:
            raise ValueError("per_host_concurrency must be at least 1")
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.per_host_concurrency = per_host_concurrency
        self.per_host_delay = per_host_delay
        self.respect_robots = respect_robots
        self.guard = AddressGuard(allowed_networks)
        self._lock = threading.Lock()
        self._hosts: dict[str, _HostState] = {}
        self._robots: dict[str, _Robots] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._client = httpx.Client(
            transport=self._guarded_transport(),
            headers={"User-Agent": user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            # Proxies from the environment would take connections out of the
            # guard's sight: it would check the proxy, not the destination.
            trust_env=False,
        )

    def _guarded_transport(self) -> httpx.HTTPTransport:
        transport = httpx.HTTPTransport(retries=0)
        pool = getattr(transport, "_pool", None)
        # httpx has no public hook for the network backend; fail closed if the
        # private attribute we rely on ever moves, rather than fetch unguarded.
        if not isinstance(pool, httpcore.ConnectionPool) or not hasattr(pool, "_network_backend"):
            raise RuntimeError("This httpx/httpcore version does not let the address guard be installed.")
        pool._network_backend = _GuardedBackend(self.guard)
        return transport

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # --- the public call ---------------------------------------------------

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
        ``not_modified=True`` and empty content.
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
            host, origin = _check_url(current)
            interval = self.per_host_delay
            if self.respect_robots:
                interval = max(interval, self._check_robots(current, origin))
            with self._host_turn(host, interval):
                started = time.monotonic()
                try:
                    outcome = self._get(current, request_headers, started)
                finally:
                    elapsed += time.monotonic() - started
            if isinstance(outcome, _Redirect):
                current = outcome.location
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

    # --- one request ---------------------------------------------------------

    def _get(self, url: str, headers: dict[str, str], started: float):
        """One GET, no redirect followed: a ``_Redirect`` or the fields of a ``FetchResult``."""
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in REDIRECT_STATUSES and response.headers.get("location"):
                    return _Redirect(urljoin(url, response.headers["location"].strip()))
                if status != 304 and not 200 <= status < 300:
                    raise _status_error(response, url)
                content = b"" if status == 304 else self._read_body(response, url, started)
                media_type, charset = split_content_type(response.headers.get("content-type"))
                return {
                    "url": url,
                    "status": status,
                    "content": content,
                    "content_type": media_type,
                    "encoding": charset,
                    "etag": response.headers.get("etag"),
                    "last_modified": response.headers.get("last-modified"),
                    "not_modified": status == 304,
                    "retry_after": _max_age(response.headers.get("cache-control")),
                }
        except httpx.HTTPError as error:
            raise self._failure(error, url) from None
        except FetchError as error:  # from the address guard, which knows no URL
            error.url = error.url or url
            raise

    def _failure(self, error: httpx.HTTPError, url: str) -> FetchError:
        if isinstance(error, httpx.TimeoutException):
            return FetchError("timeout", f"Timed out after {self.timeout:g} s", url=url)
        if isinstance(error, httpx.ConnectError):
            return FetchError("network", f"Could not connect: {error}", url=url)
        if isinstance(error, httpx.DecodingError):
            return FetchError("network", f"Could not decode the response body: {error}", url=url)
        if isinstance(error, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
            return FetchError("bad_url", f"Invalid URL {url}: {error}", url=url)
        return FetchError("network", f"Connection failed: {error or error.__class__.__name__}", url=url)

    def _read_body(self, response: httpx.Response, url: str, started: float) -> bytes:
        too_large = FetchError("too_large", f"Response larger than {self.max_bytes:,} bytes", url=url)
        announced = response.headers.get("content-length", "")
        if announced.strip().isdigit() and int(announced) > self.max_bytes:
            raise too_large
        chunks, size = [], 0
        # iter_bytes() gives the body decompressed, so a small gzip that inflates
        # to gigabytes is stopped here too.
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise too_large
            # httpx's timeout is per read; a server dripping a byte a second
            # would never trip it, so the whole response gets a deadline too.
            if time.monotonic() - started > self.timeout:
                raise FetchError("timeout", f"Timed out after {self.timeout:g} s", url=url)
            chunks.append(chunk)
        return b"".join(chunks)

    # --- politeness ----------------------------------------------------------

    @contextmanager
    def _host_turn(self, host: str, interval: float):
        """Hold one of the host's slots, starting no sooner than ``interval`` after its last request."""
        with self._lock:
            state = self._hosts.get(host)
            if state is None:
                state = self._hosts[host] = _HostState(threading.Semaphore(self.per_host_concurrency))
        with state.slots:
            # The turn lock is held while sleeping on purpose: the threads
            # waiting for this host queue behind it and start one interval
            # apart, while other hosts are not held up at all.
            with state.turn:
                wait = state.last_start + interval - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                state.last_start = time.monotonic()
            yield

    def _check_robots(self, url: str, origin: str) -> float:
        """Raise ``FetchError("robots")`` unless robots.txt lets us fetch ``url``; return its crawl delay."""
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
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        # One thread fetches a host's robots.txt; the others wait for its answer.
        with lock:
            with self._lock:
                cached = self._robots.get(origin)
            if cached is not None and cached.expires > time.monotonic():
                return cached
            robots = self._fetch_robots(origin)
            with self._lock:
                self._robots[origin] = robots
            return robots

    def _fetch_robots(self, origin: str) -> _Robots:
        """robots.txt by RFC 9309: 4xx allows everything; 5xx or 429 disallows for now.

        A host we cannot connect to at all is not fetched either, but that
        failure is reported as what it is (network, timeout, blocked address)
        rather than as a robots.txt problem, and not cached.
        """
        url = origin + "/robots.txt"
        unreachable = f"robots.txt of {origin} could not be read ({{reason}}); not fetching from it for now"
        for _ in range(self.max_redirects + 1):
            try:
                host, _origin = _check_url(url)
            except FetchError:
                break  # redirected somewhere we cannot fetch: unavailable
            with self._host_turn(host, self.per_host_delay):
                started = time.monotonic()
                try:
                    with self._client.stream("GET", url, headers={"Accept": "text/plain"}) as response:
                        status = response.status_code
                        if status in REDIRECT_STATUSES and response.headers.get("location"):
                            url = urljoin(url, response.headers["location"].strip())
                            continue
                        if 200 <= status < 300:
                            return self._robots_from(response, url, started)
                        if 400 <= status < 500 and status != 429:
                            return _Robots(None, None, time.monotonic() + ROBOTS_TTL)
                        reason = f"HTTP {status}"
                except (httpx.TimeoutException, httpx.ConnectError) as error:
                    raise self._failure(error, url) from None
                except httpx.HTTPError as error:
                    reason = str(error) or error.__class__.__name__
            return _Robots(None, unreachable.format(reason=reason), time.monotonic() + ROBOTS_UNREACHABLE_TTL)
        # RFC 9309: past the redirect limit robots.txt counts as unavailable.
        return _Robots(None, None, time.monotonic() + ROBOTS_TTL)

    def _robots_from(self, response: httpx.Response, url: str, started: float) -> _Robots:
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) >= ROBOTS_MAX_BYTES:
                break
            if time.monotonic() - started > self.timeout:
                raise FetchError("timeout", f"Timed out after {self.timeout:g} s", url=url)
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(bytes(body[:ROBOTS_MAX_BYTES]).decode("utf-8", errors="replace").splitlines())
        return _Robots(parser, None, time.monotonic() + ROBOTS_TTL)


# --- helpers -------------------------------------------------------------------


def _check_url(url: str) -> tuple[str, str]:
    """The URL's host and origin; ``FetchError("bad_url")`` if it is not an http(s) URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise FetchError("bad_url", f"Invalid URL {url}: {error}", url=url) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError("bad_url", f"Not an http(s) URL: {url}", url=url)
    if not parts.hostname:
        raise FetchError("bad_url", f"URL without a host: {url}", url=url)
    host = parts.hostname.lower()
    shown_host = f"[{host}]" if ":" in host else host
    origin = f"{parts.scheme.lower()}://{shown_host}" + (f":{port}" if port else "")
    return host, origin


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def _status_error(response: httpx.Response, url: str) -> FetchError:
    status = response.status_code
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = response.reason_phrase or "Unknown status"
    retry_after = None
    if status in (429, 503):
        retry_after = _retry_after(response.headers.get("retry-after"))
    message = f"HTTP {status} {phrase}"
    if retry_after is not None:
        message += f" (retry after {_seconds(retry_after)})"
    return FetchError("http_status", message, status=status, retry_after=retry_after, url=url)


def _retry_after(value: str | None) -> timedelta | None:
    """Retry-After as a duration: delay-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when - datetime.now(UTC), timedelta(0))


def _max_age(cache_control: str | None) -> timedelta | None:
    for directive in (cache_control or "").split(","):
        name, _, value = directive.strip().partition("=")
        if name.strip().lower() == "max-age" and value.strip().strip('"').isdigit():
            return timedelta(seconds=int(value.strip().strip('"')))
    return None


def split_content_type(value: str | None) -> tuple[str | None, str | None]:
    """A Content-Type header's media type (lower case) and charset, either None when absent."""
    if not value:
        return None, None
    media_type, *params = value.split(";")
    charset = None
    for param in params:
        name, _, param_value = param.partition("=")
        if name.strip().lower() == "charset" and param_value.strip():
            charset = param_value.strip().strip("\"'")
    return media_type.strip().lower() or None, charset


def _seconds(delta: timedelta) -> str:
    return f"{int(delta.total_seconds())} s"


def _os_reason(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error) or error.__class__.__name__
