"""A CDN or reverse proxy named in NEWSDESK_CACHE_PURGE_URLS is sent a PURGE for every page an edit changes."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.support import free_port

pytestmark = pytest.mark.django_db


class PurgeRecorder(BaseHTTPRequestHandler):
    received = []

    def do_PURGE(self):  # noqa: N802  (the HTTP method's name)
        self.received.append((self.headers["Host"], self.path))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def proxy(settings):
    PurgeRecorder.received = []
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), PurgeRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NEWSDESK_CACHE_PURGE_URLS = (f"http://127.0.0.1:{port}",)
    yield PurgeRecorder.received
    server.shutdown()


def test_a_publication_purges_the_same_pages_from_the_proxy(cached_site, proxy, publish_story):
    for url in ("/", "/world/", "/business/"):
        cached_site.get(url)
    publish_story("lighthouse-keepers-return", title="Lighthouse keepers return")
    assert ("testserver", "/") in proxy
    assert ("testserver", "/world/") in proxy
    assert ("testserver", "/business/") not in proxy  # it does not show the story
