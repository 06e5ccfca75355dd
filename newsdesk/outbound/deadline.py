"""One deadline per request, covering the name lookup, connect, TLS handshake, headers and body.

A per-operation timeout alone lets a server that sends one byte a second
hold a worker for as long as it likes: every read succeeds in time. So the
client opens a ``deadline()`` around each request, and every network
operation underneath (``time_left()``, ``DeadlineStream``) is given no more
than its own timeout and no more than what is left of that deadline.

The deadline is kept in a context variable: connections are pooled and
reused by whichever thread sends the next request, so a deadline cannot be
stored on the connection itself.
"""

from __future__ import annotations

import contextvars
import selectors
import socket
import ssl
import time
from contextlib import contextmanager

import httpcore

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("newsdesk_outbound_deadline", default=None)


@contextmanager
def deadline(seconds: float):
    """Every network operation inside must finish within ``seconds`` from now."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def time_left(timeout: float | None, expired: type[Exception] = httpcore.ReadTimeout) -> float | None:
    """Seconds the next operation may take: ``timeout``, cut to what is left of the deadline.

    Raises ``expired`` once the deadline has passed; None (wait for ever)
    only when there is neither a timeout nor a deadline.
    """
    end = _deadline.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise expired("The request's deadline has passed")
    return left if timeout is None else min(timeout, left)


@contextmanager
def _mapped(timed_out: type[Exception], failed: type[Exception]):
    # httpcore's connection code expects its own exception types.
    try:
        yield
    except TimeoutError as error:  # socket.timeout, and SSL reads that time out
        raise timed_out(str(error) or "timed out") from None
    except OSError as error:
        raise failed(str(error) or error.__class__.__name__) from None


class DeadlineStream(httpcore.NetworkStream):
    """A socket whose reads, writes and TLS handshake each end by the request's deadline.

    ``recv`` returns as soon as any data arrives, so it is bounded by the
    socket timeout set just before. ``sendall`` and the TLS handshake are
    bounded as a whole (CPython counts their timeout as a total duration since
    3.5), unlike a loop of ``send`` calls, each of which would get a full
    timeout again.
    """

    def __init__(self, sock: socket.socket):
        self._sock = sock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with _mapped(httpcore.ReadTimeout, httpcore.ReadError):
            self._sock.settimeout(time_left(timeout, httpcore.ReadTimeout))
            return self._sock.recv(max_bytes)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        with _mapped(httpcore.WriteTimeout, httpcore.WriteError):
            self._sock.settimeout(time_left(timeout, httpcore.WriteTimeout))
            self._sock.sendall(buffer)

    def close(self) -> None:
        self._sock.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None):
        try:
            with _mapped(httpcore.ConnectTimeout, httpcore.ConnectError):
                self._sock.settimeout(time_left(timeout, httpcore.ConnectTimeout))
                tls = ssl_context.wrap_socket(self._sock, server_hostname=server_hostname)
        except BaseException:
            self.close()
            raise
        return DeadlineStream(tls)

    def get_extra_info(self, info: str):
        if info == "ssl_object" and isinstance(self._sock, ssl.SSLSocket):
            return self._sock  # httpcore asks it for selected_alpn_protocol(), which SSLSocket has
        if info == "client_addr":
            return self._sock.getsockname()
        if info == "server_addr":
            return self._sock.getpeername()
        if info == "socket":
            return self._sock
        if info == "is_readable":
            # An idle pooled connection that has become readable was closed
            # (or is babbling) at the other end: httpcore drops it.
            if self._sock.fileno() < 0:
                return True
            with selectors.DefaultSelector() as selector:
                selector.register(self._sock, selectors.EVENT_READ)
                return bool(selector.select(0))
        return None


def connect(address: str, port: int, timeout: float | None = None) -> DeadlineStream:
    """A TCP connection to ``address`` (an IP address, already checked), within the deadline."""
    with _mapped(httpcore.ConnectTimeout, httpcore.ConnectError):
        sock = socket.create_connection((address, port), time_left(timeout, httpcore.ConnectTimeout))
    # As httpcore's own backend does: requests are small and sent whole.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return DeadlineStream(sock)
