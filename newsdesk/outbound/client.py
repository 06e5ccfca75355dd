"""One bounded HTTP request: a guarded connection, one deadline, a capped and safely decoded body.

``Client.open()`` sends one request and follows no redirect (the caller
decides whether and where to go next; ``redirect_location()`` and
``headers_for()`` help it do so safely). Whatever a server does, a request:

- connects only where the address guard allows (the guard is the network
  backend of the connection pool, so it sees every connection, redirects
  included, and no second lookup happens after its check);
- ends within ``timeout`` seconds in all: name lookup, connect, TLS, the
  request, the response headers and the body together;
- never goes through a proxy: none is configured, and the environment's
  proxy variables are not read (a proxy would hide the destination from the
  guard);
- reads at most ``max_bytes`` of body, counted both as received and as
  decoded, and decodes it in bounded steps (``decoding.py``).

Built directly on httpcore's public API (``ConnectionPool`` with a
``network_backend``), with httpx only parsing URLs and headers: httpx's
own client would decode bodies a whole network chunk at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from .deadline import deadline
from .decoding import ACCEPT_ENCODING, decoded
from .errors import FetchError
from .guard import AddressGuard, GuardedBackend

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Headers that carry credentials: they are meant for the origin they were
# given for, never for wherever that origin redirects us.
CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
# Connections kept open for reuse, and for how long: enough for the hosts a
# polling round talks to, short enough not to hoard sockets between rounds.
MAX_CONNECTIONS = 100
MAX_KEEPALIVE_CONNECTIONS = 20
KEEPALIVE_EXPIRY = 5.0


class Response:
    """A response whose status and headers have arrived; ``read()`` gets the body."""

    def __init__(self, url: str, status: int, reason: str, headers: httpx.Headers, stream: Iterable[bytes], timeout):
        self.url = url
        self.status = status
        self.reason = reason
        self.headers = headers
        self._stream = stream
        self._timeout = timeout

    def read(self, max_bytes: int, *, truncate: bool = False) -> bytes:
        """The decoded body; ``FetchError("too_large")`` past ``max_bytes``, or with ``truncate`` its first ``max_bytes``."""
        too_large = FetchError("too_large", f"Response larger than {max_bytes:,} bytes", url=self.url)
        announced = self.headers.get("content-length", "").strip()
        if not truncate and announced.isascii() and announced.isdigit() and int(announced) > max_bytes:
            raise too_large
        body = bytearray()
        raw = _at_most(self._stream, max_bytes, None if truncate else too_large)
        with _failures(self.url, self._timeout):
            for piece in decoded(raw, self.headers.get("content-encoding")):
                room = max_bytes - len(body)
                if len(piece) > room:
                    if not truncate:
                        raise too_large
                    body += piece[:room]
                    break
                body += piece
        return bytes(body)


class Client:
    """Sends bounded requests through a pool of guarded connections; safe to share between threads."""

    def __init__(self, guard: AddressGuard, user_agent: str, timeout: float = 20.0):
        self.guard = guard
        self.user_agent = user_agent
        self.timeout = timeout
        self._pool = httpcore.ConnectionPool(
            network_backend=GuardedBackend(guard),
            max_connections=MAX_CONNECTIONS,
            max_keepalive_connections=MAX_KEEPALIVE_CONNECTIONS,
            keepalive_expiry=KEEPALIVE_EXPIRY,
            retries=0,
        )

    def close(self) -> None:
        """Close the pooled connections; the client can still be used and opens new ones."""
        self._pool.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @contextmanager
    def open(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        on_sent: Callable[[], None] | None = None,
    ) -> Iterator[Response]:
        """Send one request and yield its ``Response``; raise ``FetchError`` on any failure.

        The deadline runs from the start of the request until the block ends:
        read the body inside it. ``on_sent`` is called once the request's
        headers are on their way, after any connection set-up: the moment the
        server sees the request start, which per-host pacing counts from.
        """
        request = _request(method, url, self._headers(headers), content, self.timeout, on_sent)
        with deadline(self.timeout), _failures(url, self.timeout):
            response = self._pool.handle_request(request)
            try:
                yield Response(
                    url,
                    response.status,
                    response.extensions.get("reason_phrase", b"").decode("latin-1"),
                    httpx.Headers(response.headers),
                    response.stream,
                    self.timeout,
                )
            finally:
                response.close()

    def _headers(self, headers: Mapping[str, str] | None) -> httpx.Headers:
        combined = httpx.Headers({"User-Agent": self.user_agent, "Accept": "*/*", "Accept-Encoding": ACCEPT_ENCODING})
        combined.update(headers or {})
        return combined


def redirect_location(response: Response) -> str | None:
    """The absolute URL a redirect points to, or None when ``response`` is not one."""
    location = response.headers.get("location", "").strip()
    if response.status in REDIRECT_STATUSES and location:
        return urljoin(response.url, location)
    return None


def split_origin(url: str) -> tuple[str, str]:
    """The URL's host (lower case) and origin ("https://news.example:8443"); ``FetchError("bad_url")`` unless http(s)."""
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
    return host, f"{parts.scheme.lower()}://{shown_host}" + (f":{port}" if port else "")


def _origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port, the default port filled in: what "same origin" compares."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(scheme)


def headers_for(url: str, first_url: str, headers: Mapping[str, str], private: Iterable[str] = ()) -> dict[str, str]:
    """``headers`` to send to ``url`` in a redirect chain that started at ``first_url``.

    Credentials (``CREDENTIAL_HEADERS``) and the ``private`` ones (a source's
    own headers, such as an API key) go to ``first_url``'s origin only: a
    redirect elsewhere gets everything else.
    """
    if _origin(url) == _origin(first_url):
        return dict(headers)
    dropped = CREDENTIAL_HEADERS | {name.lower() for name in private}
    return {name: value for name, value in headers.items() if name.lower() not in dropped}


def _request(
    method: str, url: str, headers: httpx.Headers, content: bytes | None, timeout: float, on_sent=None
) -> httpcore.Request:
    """The httpcore request for ``url``, its URL and headers (Host, Content-Length) prepared by httpx."""
    try:
        prepared = httpx.Request(method, url, headers=headers, content=content)
    except httpx.InvalidURL as error:
        raise FetchError("bad_url", f"Invalid URL {url}: {error}", url=url) from None
    if prepared.url.scheme not in ("http", "https"):
        raise FetchError("bad_url", f"Not an http(s) URL: {url}", url=url)
    if not prepared.url.host:
        raise FetchError("bad_url", f"URL without a host: {url}", url=url)
    target = prepared.url
    return httpcore.Request(
        prepared.method,
        httpcore.URL(scheme=target.raw_scheme, host=target.raw_host, port=target.port, target=target.raw_path),
        headers=prepared.headers.raw,
        content=content,
        extensions={"timeout": dict.fromkeys(("connect", "read", "write", "pool"), timeout)}
        | ({"trace": _on_headers_sent(on_sent)} if on_sent else {}),
    )


def _on_headers_sent(callback: Callable[[], None]):
    """An httpcore trace hook calling ``callback`` when the request headers have been sent."""

    def trace(event: str, info: dict) -> None:
        if event.endswith("send_request_headers.complete"):
            callback()

    return trace


def _at_most(stream: Iterable[bytes], limit: int, too_large: FetchError | None) -> Iterator[bytes]:
    """The raw body, stopped past ``limit`` bytes: by ``too_large``, or (when None) cut there."""
    received = 0
    for chunk in stream:
        received += len(chunk)
        if received > limit:
            if too_large is not None:
                raise too_large
            yield chunk[: len(chunk) - (received - limit)]
            return
        yield chunk


@contextmanager
def _failures(url: str, timeout: float):
    """Turn httpcore's exceptions into ``FetchError``s an editor can read."""
    try:
        yield
    except FetchError as error:  # from the guard or the decoder, which know no URL
        error.url = error.url or url
        raise
    except httpcore.TimeoutException:
        raise FetchError("timeout", f"Timed out after {timeout:g} s", url=url) from None
    except httpcore.ConnectError as error:
        raise FetchError("network", f"Could not connect: {error}", url=url) from None
    except httpcore.UnsupportedProtocol as error:
        raise FetchError("bad_url", f"Invalid URL {url}: {error}", url=url) from None
    except httpcore.RemoteProtocolError as error:
        # h11 stops reading a head larger than its buffer (16 KiB) and says
        # so in its own words; an editor is better served by ours.
        if "Receive buffer too long" in str(error):
            raise FetchError("bad_response", "Response headers too large", url=url) from None
        raise FetchError("network", f"Connection failed: {error}", url=url) from None
    except (httpcore.NetworkError, httpcore.ProtocolError) as error:
        raise FetchError("network", f"Connection failed: {error or error.__class__.__name__}", url=url) from None
