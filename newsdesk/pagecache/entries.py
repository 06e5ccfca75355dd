"""A stored page: its headers, its body, and the body gzipped and brotli-compressed.

Compressing once when the page is stored means a hit costs no compression
at all, whichever encoding the reader's browser asks for.
"""

import gzip
import hashlib
import marshal
import time
from dataclasses import dataclass

import brotli

FORMAT_VERSION = 1
# Smaller bodies are sent as they are: compression would not pay.
SMALLEST_COMPRESSED = 860
# Headers a stored page never repeats: they belong to one response only.
PER_RESPONSE_HEADERS = {"set-cookie", "date", "content-length", "content-encoding", "vary", "x-page-cache"}


@dataclass
class Entry:
    status: int
    headers: list  # [(name, value)], without the per-response ones
    body: bytes
    gzipped: bytes
    brotli: bytes
    etag: str
    last_modified: float
    expires: float

    def to_bytes(self):
        return marshal.dumps(
            (FORMAT_VERSION, self.status, self.headers, self.body, self.gzipped, self.brotli,
             self.etag, self.last_modified, self.expires)
        )

    @classmethod
    def from_bytes(cls, data):
        try:
            fields = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None
        if not isinstance(fields, tuple) or len(fields) != 9 or fields[0] != FORMAT_VERSION:
            return None
        return cls(fields[1], [tuple(pair) for pair in fields[2]], *fields[3:])

    def fresh(self, now=None):
        return (now or time.time()) < self.expires


def make_entry(status, headers, body, lifetime, now=None):
    """An Entry for a rendered body; `headers` are the response's own."""
    now = now or time.time()
    kept = [(name, value) for name, value in headers if name.lower() not in PER_RESPONSE_HEADERS]
    gzipped, brotlied = compressed(body, "gzip"), compressed(body, "br")
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    return Entry(status, kept, body, gzipped, brotlied, etag, now, now + lifetime)


def compressed(body, encoding):
    """`body` in `encoding` ('br' or 'gzip'); empty when too small to be worth it."""
    if len(body) < SMALLEST_COMPRESSED:
        return b""
    if encoding == "br":
        return brotli.compress(body, quality=6)
    return gzip.compress(body, compresslevel=6, mtime=0)


def preferred_encoding(accept_encoding):
    """'br', 'gzip' or '' for a request's Accept-Encoding, honouring q=0."""
    if not accept_encoding:
        return ""
    offered = {}
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        offered[name.strip()] = quality
    for name in ("br", "gzip"):
        if offered.get(name, offered.get("*", 0)) > 0:
            return name
    return ""
