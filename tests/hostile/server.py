"""The hostile outlet: a threaded HTTP server on 127.0.0.1 that misbehaves on purpose.

Paths:

- ``/good/feed.xml`` and ``/good/story-N.html``: a well-behaved outlet;
- ``/case/<name>``: a disguised source. It serves a small valid feed until
  the test calls ``arm(name)``, and the hostile response ``<name>`` from
  then on, so ``newsdesk sources add`` succeeds and the next poll meets the
  attack (a source that turns hostile after it was added);
- ``/armed/<name>``: the hostile response ``<name>`` at once;
- ``/page/hostile-article``: an article page full of markup tricks;
- ``/loop/a`` and ``/loop/b``: redirects to each other;
- ``/robots.txt``, ``/gone/…`` and anything else: 404.

Hostile responses are written straight to the socket where HTTP itself must
be broken (a status line sent one byte a second), and large bodies are
generated as they are sent, so the server never holds what it claims to
send. Every slow or endless response stops by itself within
``MAX_SECONDS`` or at ``MAX_BYTES``, or as soon as the client hangs up.
"""

import threading
import time
from dataclasses import dataclass
from functools import cache
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from tests.hostile import bombs, documents

MAX_SECONDS = 60
GIGABYTE = 1_000_000_000
CHUNK = 64 * 1024

RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
JSON_FEED = "application/feed+json"
HTML = "text/html; charset=utf-8"

# The address a cloud server's metadata service answers on: the redirect
# case sends the fetcher there, and the address guard must refuse it.
METADATA_URL = "http://169.254.169.254/latest/meta-data/"


@dataclass
class SeenRequest:
    path: str
    headers: Message


class HostileServer:
    """Start with ``start()``; ``url(path)``, ``arm(name)``, ``requests``; ``stop()`` at the end."""

    def __init__(self, redirect_target=None):
        self.armed = set()
        self.requests = []
        self.redirect_target = redirect_target  # the other origin, for the credentials case
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.hostile = self
        self.port = self._httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()

    def url(self, path):
        return self.origin + path

    def arm(self, name):
        with self._lock:
            self.armed.add(name)

    def requests_to(self, prefix):
        with self._lock:
            return [request for request in self.requests if request.path.startswith(prefix)]

    def _record(self, path, headers):
        with self._lock:
            self.requests.append(SeenRequest(path, headers))


class _Handler(BaseHTTPRequestHandler):
    server_version = "HostileOutlet/1.0"

    def do_GET(self):
        outlet = self.server.hostile
        path = urlsplit(self.path).path
        outlet._record(path, self.headers)
        try:
            self._route(outlet, path)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the client hung up: what the tests want

    def log_message(self, format, *args):
        pass

    def _route(self, outlet, path):
        origin = outlet.origin
        if path == "/good/feed.xml":
            return self.send_body(documents.good_feed(origin), RSS)
        if path.startswith("/good/story-"):
            return self.send_body(documents.good_article(path.rsplit("-", 1)[1].split(".")[0]), HTML)
        if path == "/page/hostile-article":
            return self.send_body(documents.hostile_article_page(origin), HTML)
        if path in ("/loop/a", "/loop/b"):
            return self.redirect("/loop/b" if path == "/loop/a" else "/loop/a")
        kind, _, name = path.strip("/").partition("/")
        if kind == "case" and name in RESPONSES:
            if name in outlet.armed:
                return RESPONSES[name](self, origin)
            return self.send_body(documents.benign_feed(name, origin), RSS)
        if kind == "armed" and name in RESPONSES:
            return RESPONSES[name](self, origin)
        self.send_body(b"Not found", "text/plain", status=404)

    # --- ways of answering ---------------------------------------------------

    def send_body(self, body, content_type, status=200, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location):
        self.send_body(b"", "text/plain", status=302, headers={"Location": location})

    def send_stream(self, chunks, content_type, length=None, headers=None):
        """Send generated chunks; without a length the body ends when the connection does."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.send_header("Connection", "close")
        self.end_headers()
        started = time.monotonic()
        for chunk in chunks:
            self.wfile.write(chunk)
            self.wfile.flush()
            if time.monotonic() - started > MAX_SECONDS:
                break

    def trickle(self, data, every=1.0):
        """Write raw bytes, one at a time, `every` seconds apart, for MAX_SECONDS at most."""
        deadline = time.monotonic() + MAX_SECONDS
        for byte in data:
            if time.monotonic() > deadline:
                break
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(every)
        self.close_connection = True


def _padding(total, head=b'<?xml version="1.0"?><rss version="2.0"><channel><title>'):
    yield head
    sent = len(head)
    block = b"x" * CHUNK
    while sent < total:
        piece = block[: min(CHUNK, total - sent)]
        sent += len(piece)
        yield piece


def _slow_headers(handler, origin):
    status_and_headers = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 40\r\n\r\n"
    handler.trickle(status_and_headers)  # 85 bytes: longer than MAX_SECONDS


def _endless_headers(handler, origin):
    """A status line, then header lines for ever: a gigabyte of them, or MAX_SECONDS."""
    handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n")
    line = b"X-Padding: " + b"a" * 1000 + b"\r\n"
    lines = b"".join(line for _ in range(64))
    started, sent = time.monotonic(), 0
    while sent < GIGABYTE and time.monotonic() - started < MAX_SECONDS:
        handler.wfile.write(lines)
        sent += len(lines)
    handler.close_connection = True


def _slow_body(handler, origin):
    body = documents.good_feed(origin)
    handler.send_response(200)
    handler.send_header("Content-Type", RSS)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.flush()
    handler.trickle(body)


def _bombs_behind_links(handler, origin):
    targets = [
        ("brotli-bomb", "/armed/brotli-bomb"),
        ("gzip-bomb", "/armed/gzip-bomb"),
        ("gigabyte-undeclared", "/armed/gigabyte-undeclared"),
        ("slow-headers", "/armed/slow-headers"),
        ("metadata", "/armed/redirect-metadata"),
    ]
    handler.send_body(documents.bombs_behind_links_feed(origin, targets), RSS)


GZIP_BOMB_MEBIBYTES = 4096  # 4 GiB of zeros in about 4 MB


def _encoding_response(case):
    def respond(handler, origin):
        body, content_type = documents.encoding_feed(case, origin)
        handler.send_body(body, content_type)
    return respond


RESPONSES = {
    "brotli-bomb": lambda h, o: h.send_body(bombs.brotli_bomb(), RSS, headers={"Content-Encoding": "br"}),
    "gzip-bomb": lambda h, o: h.send_stream(
        bombs.gzip_bomb_chunks(GZIP_BOMB_MEBIBYTES), RSS,
        length=bombs.gzip_bomb_length(GZIP_BOMB_MEBIBYTES), headers={"Content-Encoding": "gzip"}),
    "gzip-gzip": lambda h, o: h.send_body(bombs.gzip_of_gzip_bomb(), RSS, headers={"Content-Encoding": "gzip, gzip"}),
    "br-gzip": lambda h, o: h.send_body(bombs.gzip_of_brotli_bomb(), RSS, headers={"Content-Encoding": "br, gzip"}),
    "gigabyte-declared": lambda h, o: h.send_stream(_padding(GIGABYTE), RSS, length=GIGABYTE),
    "gigabyte-undeclared": lambda h, o: h.send_stream(_padding(GIGABYTE), RSS),
    "slow-headers": _slow_headers,
    "slow-body": _slow_body,
    "redirect-loop": lambda h, o: h.redirect("/loop/a"),
    "redirect-metadata": lambda h, o: h.redirect(METADATA_URL),
    "redirect-file": lambda h, o: h.redirect("file:///etc/passwd"),
    "endless-headers": _endless_headers,
    "redirect-credentials": lambda h, o: h.redirect(h.server.hostile.redirect_target),
    "billion-laughs": lambda h, o: h.send_body(documents.billion_laughs(o), RSS),
    "big-entity": lambda h, o: h.send_body(documents.big_entity(o), RSS),
    "external-entity": lambda h, o: h.send_body(documents.external_entity(o), RSS),
    "many-hosts": lambda h, o: h.send_body(many_hosts_feed(), RSS),
    "bombs-behind-links": _bombs_behind_links,
    "escaped-markup": lambda h, o: h.send_body(documents.escaped_markup_feed(o), RSS),
    "escaped-atom": lambda h, o: h.send_body(documents.escaped_markup_atom(o), ATOM),
    "attribute-smuggling": lambda h, o: h.send_body(documents.attribute_smuggling_feed(o), RSS),
    "script-urls": lambda h, o: h.send_body(documents.script_url_feed(o), RSS),
    "hostile-article": lambda h, o: h.send_body(documents.hostile_article_feed(o), RSS),
    "hostile-name": lambda h, o: h.send_body(documents.hostile_name_feed(o), RSS),
    "json-items-object": lambda h, o: h.send_body(documents.json_feed_items_object(o), JSON_FEED),
    "json-wrong-types": lambda h, o: h.send_body(documents.json_feed_wrong_types(o), JSON_FEED),
    **{case: _encoding_response(case) for case in documents.ENCODING_TITLES},
}

@cache
def many_hosts_feed():
    """The 100,000-item feed, made once (about 4.8 MB)."""
    return documents.many_hosts_feed()
