"""Fixtures for the outbound tests: real servers on 127.0.0.1, well-behaved and hostile."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from tests.wire.conftest import FeedServer, feed_server  # noqa: F401  (the wire tests' fixture, shared)

USER_AGENT = "NewsdeskTest/1.0 (+http://newsdesk.test/about)"
LOCAL = ["127.0.0.1/32"]


@pytest.fixture
def other_server():
    """A second ``FeedServer``: another port, so another origin."""
    server = FeedServer().start()
    yield server
    server.stop()


class TricklingServer:
    """A TCP server on 127.0.0.1 that reads a request, then answers one byte every ``interval`` seconds.

    It never finishes the status line, so only a deadline on the whole
    response can end the wait. ``connections`` counts the clients it saw.
    """

    def __init__(self, interval: float = 1.0):
        self.interval = interval
        self.connections = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/feed.xml"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _address = self._listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self._trickle, args=(connection,), daemon=True).start()

    def _trickle(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(5)
            try:
                request = b""
                while b"\r\n\r\n" not in request:
                    data = connection.recv(65536)
                    if not data:
                        return
                    request += data
                for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" * 1000:
                    if self._stop.wait(self.interval):
                        return
                    connection.sendall(bytes([byte]))
            except OSError:
                return  # the client gave up: that is the test

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()


@pytest.fixture
def trickling_server():
    server = TricklingServer()
    yield server
    server.stop()


class Resolver:
    """Stands in for the OS resolver (``socket.getaddrinfo``): names map to the addresses given.

    Every name not in ``names`` is passed to the real resolver. ``delay``
    makes each lookup of a known name take that long; ``lookups`` lists them.
    """

    def __init__(self, real):
        self._real = real
        self.names: dict[str, list[str]] = {}
        self.delay = 0.0
        self.lookups: list[str] = []

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        if host not in self.names:
            return self._real(host, port, family, type, proto, flags)
        self.lookups.append(host)
        if self.delay:
            time.sleep(self.delay)
        infos = []
        for address in self.names[host]:
            if ":" in address:
                infos.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0)))
            else:
                infos.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)))
        return infos


@pytest.fixture
def resolver(monkeypatch):
    """A ``Resolver`` installed as ``socket.getaddrinfo`` for one test."""
    fake = Resolver(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return fake


@pytest.fixture
def connections(monkeypatch):
    """Every (address, port) a TCP connection is opened to, recorded before the connection is made."""
    made = []
    real = socket.create_connection

    def create_connection(address, *args, **kwargs):
        made.append(address[:2])
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return made
