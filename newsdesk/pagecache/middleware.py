"""Stores what Django renders for anonymous readers, and gives every reader page its HTTP caching headers.

First in MIDDLEWARE, so it sees each response with every header the other
middleware adds (the Content-Security-Policy included): a cached page goes
out exactly as the rendered one did.
"""

import logging
import time

from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from .configured import policy
from .dependencies import collecting
from .entries import compressed, make_entry, preferred_encoding
from .keys import PRIVATE_PREFIXES
from .memo import find_site
from .versions import one_version_per_request

logger = logging.getLogger(__name__)

VARY = ("Accept-Encoding", "Cookie")


def is_reader_path(path):
    return not path.startswith(PRIVATE_PREFIXES)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_reader_path(request.path_info):
            return self.get_response(request)
        with one_version_per_request():
            return self.serve(request)

    def serve(self, request):
        find_site(request)
        current = policy()
        key = current.keys(request.META) if current.store is not None else None
        generation = None
        if key is not None:
            try:
                generation = current.store.generation()
            except Exception:
                logger.exception("The page cache cannot be read; serving without it")
                key = None
        with collecting() as dependencies:
            response = self.get_response(request)
        user = getattr(request, "user", None)
        anonymous = user is None or not user.is_authenticated
        self.add_caching_headers(response, anonymous, current)
        if key is None or not anonymous or not storable(response):
            response.headers.setdefault("X-Page-Cache", "bypass")
            if anonymous and not response.streaming and response.status_code == 200:
                compress(request, response)
            return response
        response["X-Page-Cache"] = "miss"
        store = Storing(current, key, generation, dependencies.tags)
        if response.streaming:
            response.streaming_content = store.tee(response, response.streaming_content)
        else:
            entry = store.save(response, response.content)
            if entry is not None:
                response["ETag"] = entry.etag
                send_encoded(request, response, entry)
        return response

    @staticmethod
    def add_caching_headers(response, anonymous, current):
        if response.has_header("Cache-Control"):
            return  # the view decided (a preview, a form)
        if not anonymous:
            response["Cache-Control"] = "private, no-cache"
            return
        if response.status_code in (200, 203, 301, 404, 410):
            response["Cache-Control"] = current.cache_control
        if response.status_code == 200 and not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date()
        patch_vary_headers(response, VARY)


def storable(response):
    if response.status_code != 200 or response.has_header("Set-Cookie") or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    return "public" in cache_control and "no-store" not in cache_control


class Storing:
    """Stores one response once its body is complete."""

    def __init__(self, current, key, generation, tags):
        self.current = current
        self.key = key
        self.generation = generation
        self.tags = set(tags)

    def save(self, response, body):
        last_modified = parse_http_date_safe(response.get("Last-Modified", "")) or time.time()
        headers = [(name, value) for name, value in response.items()]
        entry = make_entry(response.status_code, headers, body, self.current.lifetime)
        entry.etag = response.get("ETag") or entry.etag
        entry.last_modified = last_modified
        entry.headers = [(n, v) for n, v in entry.headers if n.lower() != "etag"] + [("ETag", entry.etag)]
        try:
            self.current.store.put(self.key, entry, self.tags, self.generation)
        except Exception:
            logger.exception("Could not store %s in the page cache", self.key.url)
            return None
        return entry

    def tee(self, response, chunks):
        """Pass a streamed body on, keeping a copy to store unless it grows past the limit."""
        kept, size = [], 0
        for chunk in chunks:
            if kept is not None:
                size += len(chunk)
                if size <= self.current.max_bytes:
                    kept.append(chunk)
                else:
                    kept = None
            yield chunk
        if kept is not None:
            self.save(response, b"".join(kept))


def send_encoded(request, response, entry):
    """Answer with the stored gzip or brotli body when the reader's browser accepts it."""
    encoding = preferred_encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    replace_body(response, encoding, {"br": entry.brotli, "gzip": entry.gzipped}.get(encoding))


def compress(request, response):
    """Compress a reader page rendered for someone the cache cannot answer (page 2 of search…),
    in the one encoding the browser will get."""
    encoding = preferred_encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    if encoding and not response.has_header("Content-Encoding"):
        replace_body(response, encoding, compressed(response.content, encoding))


def replace_body(response, encoding, body):
    if body:
        response.content = body
        response["Content-Encoding"] = encoding
        response["Content-Length"] = str(len(body))
