"""Answers cached pages before Django runs: the hit path, kept as short as it can be.

A hit costs a key, a stat of the entry's file (or one Redis GET) and the
headers; no middleware, no URL resolution, no database.

On a miss one request renders the page while the others asking for it at
the same moment wait for it (a render lock per page, shared by every
process), so a burst right after a publish costs one render, not hundreds.
"""

import logging
import time

from django.utils.http import parse_http_date_safe

from .configured import policy
from .entries import preferred_encoding

logger = logging.getLogger(__name__)

STATUS_LINES = {200: "200 OK"}
# Headers a 304 repeats (RFC 9110, 15.4.5).
NOT_MODIFIED_HEADERS = {"cache-control", "content-location", "date", "etag", "expires", "vary", "last-modified"}
HIT_HEADERS = [("Vary", "Accept-Encoding, Cookie"), ("X-Page-Cache", "hit")]
# How long a request waits for another one rendering its page before rendering it itself.
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.005


class PageCacheApplication:
    """WSGI middleware: serve a fresh cached page, else call Django (which stores it)."""

    def __init__(self, application, on_hit=None):
        self.application = application
        # Called with the status of each answer from the cache (the metrics
        # count them); None, as when metrics are off, costs nothing.
        self.on_hit = on_hit

    def __call__(self, environ, start_response):
        current = policy()
        store = current.store
        key = current.keys(environ) if store is not None else None
        if key is None:
            return self.application(environ, start_response)
        try:
            entry = fresh(store, key)
            if entry is not None:
                return serve(entry, environ, start_response, self.on_hit)
            lock = store.render_lock(key)
            rendering = lock.acquire()
            if not rendering:
                entry = wait_for(store, key, lock)
                if entry is not None:
                    return serve(entry, environ, start_response, self.on_hit)
        except Exception:
            logger.exception("The page cache cannot be read; serving without it")
            return self.application(environ, start_response)
        if not rendering:
            return self.application(environ, start_response)
        try:
            body = self.application(environ, start_response)
        except BaseException:
            lock.release()
            raise
        return ReleasingBody(body, lock)


def fresh(store, key):
    entry = store.get(key)
    return entry if entry is not None and entry.expires > time.time() else None


def wait_for(store, key, lock):
    """The page another request is rendering, once stored; None if it gives up or stores nothing."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        entry = fresh(store, key)
        if entry is not None:
            return entry
        if not lock.held():
            return fresh(store, key)
    return None


class ReleasingBody:
    """The response body, releasing the render lock when the server closes it (the page is stored by then)."""

    def __init__(self, body, lock):
        self.body = body
        self.lock = lock

    def __iter__(self):
        return iter(self.body)

    def close(self):
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self.lock.release()


def serve(entry, environ, start_response, on_hit=None):
    headers = entry.headers + HIT_HEADERS
    if not_modified(entry, environ):
        if on_hit is not None:
            on_hit(304)
        start_response("304 Not Modified", [(n, v) for n, v in headers if n.lower() in NOT_MODIFIED_HEADERS])
        return [b""]
    encoding = preferred_encoding(environ.get("HTTP_ACCEPT_ENCODING"))
    body = entry.body
    if encoding == "br" and entry.brotli:
        body = entry.brotli
        headers = headers + [("Content-Encoding", "br")]
    elif encoding and entry.gzipped:
        body = entry.gzipped
        headers = headers + [("Content-Encoding", "gzip")]
    headers.append(("Content-Length", str(len(body))))
    if on_hit is not None:
        on_hit(entry.status)
    start_response(STATUS_LINES.get(entry.status) or f"{entry.status} Cached", headers)
    return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


def not_modified(entry, environ):
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or entry.etag in tags
    if_modified_since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if if_modified_since:
        since = parse_http_date_safe(if_modified_since)
        return since is not None and int(entry.last_modified) <= since
    return False
