"""Decompression bombs and endless bodies: refused, with the process's memory staying bounded.

Each fetch runs in a fresh Python process that reports its peak resident
memory during the fetch less its resident memory just before it. Linux's
VmHWM is the peak: unlike ru_maxrss it starts afresh at exec (ru_maxrss
would still hold the size of the test process that forked it), and writing
5 to /proc/self/clear_refs resets it to the current size just before the
fetch.
"""

import json
import struct
import subprocess
import sys
import zlib

import brotli
import pytest

from tests.support import REPO_ROOT

GIB = 1 << 30
MIB = 1 << 20
# Far below what decoding a bomb whole would take (a gibibyte and more),
# far above what a bounded fetch needs (its 5 MB cap, plus small steps).
MEMORY_BOUND_KIB = 150 * 1024

FETCH_AND_MEASURE = """
import json, sys
from pathlib import Path
from newsdesk.outbound import Fetcher, FetchError

def status_kib(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])

url, respect_robots = sys.argv[1], sys.argv[2] == "robots"
with Fetcher("NewsdeskTest/1.0", timeout=60, allowed_networks=["127.0.0.1/32"], per_host_delay=0,
             respect_robots=respect_robots) as fetcher:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # the peak then includes start-up, which only makes the bound stricter
    before = status_kib("VmRSS")
    try:
        result = fetcher.fetch(url)
        outcome = {"status": result.status, "length": len(result.content)}
    except FetchError as error:
        outcome = {"kind": error.kind, "message": str(error)}
    outcome["grown_kib"] = status_kib("VmHWM") - before
print(json.dumps(outcome))
"""


def fetch_in_a_new_process(url, robots=False):
    completed = subprocess.run(
        [sys.executable, "-c", FETCH_AND_MEASURE, url, "robots" if robots else "no-robots"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=True,
    )
    return json.loads(completed.stdout)


def gzip_of_zeros(size):
    """A gzip member of ``size`` zero bytes, built without ever holding them: one compressed MiB, repeated.

    After a full flush the compressor starts afresh, so every MiB of zeros
    compresses to the same bytes.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size // MIB):
        crc = zlib.crc32(bytes(MIB), crc)
    last = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    end = last.compress(b"") + last.flush()
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + block * (size // MIB) + end + struct.pack("<II", crc, size & 0xFFFFFFFF)


def brotli_of_zeros(size):
    compressor = brotli.Compressor(quality=3, lgwin=24)
    return b"".join([compressor.process(bytes(MIB)) for _ in range(size // MIB)] + [compressor.finish()])


@pytest.fixture(scope="module")
def bombs():
    """Bodies and their Content-Encoding, each inflating to a gibibyte or more."""
    gzip_bomb = gzip_of_zeros(GIB)
    return {
        "br": (brotli_of_zeros(GIB), "br"),
        "gzip": (gzip_bomb, "gzip"),
        "gzip-then-br": (brotli.compress(gzip_bomb), "gzip, br"),
        "gzip-twice": (_gzip(gzip_bomb), "gzip, gzip"),
    }


def _gzip(data):
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def test_the_bombs_are_bombs(bombs):
    """Sanity: each is tiny, and its first layer alone already inflates far past the 5 MB cap."""
    for body, _encoding in bombs.values():
        assert len(body) < 1_100_000
    assert len(bombs["br"][0]) < 2_000
    assert len(zlib.decompressobj(31).decompress(bombs["gzip"][0], 50 * MIB)) == 50 * MIB


@pytest.mark.parametrize("name", ["br", "gzip", "gzip-then-br", "gzip-twice"])
def test_a_bomb_is_refused_with_memory_bounded(feed_server, bombs, name):
    """A body inflating to a gibibyte is refused as too large; memory grows by far less than it."""
    body, encoding = bombs[name]
    feed_server.set("/bomb.xml", body=body, headers={"Content-Encoding": encoding}, content_type="application/rss+xml")

    outcome = fetch_in_a_new_process(feed_server.url("/bomb.xml"))

    assert (outcome["kind"], outcome["message"]) == ("too_large", "Response larger than 5,000,000 bytes")
    assert outcome["grown_kib"] < MEMORY_BOUND_KIB


def test_a_robots_txt_bomb_is_read_no_further_than_500_kib(feed_server, bombs):
    """robots.txt is cut at RFC 9309's 500 KiB, compressed or not: memory stays bounded and fetching goes on."""
    body, encoding = bombs["br"]
    feed_server.set("/robots.txt", body=body, headers={"Content-Encoding": encoding}, content_type="text/plain")

    outcome = fetch_in_a_new_process(feed_server.url("/rss.xml"), robots=True)

    assert outcome["status"] == 200 and outcome["length"] == len(feed_server.saved("rss.xml"))
    assert outcome["grown_kib"] < MEMORY_BOUND_KIB
    assert len(feed_server.requests_to("/robots.txt")) == 1


def test_a_gigabyte_body_is_stopped_at_max_bytes(feed_server):
    """1 GB generated by the server as it is read, with no Content-Length: the fetch stops at the cap."""
    feed_server.set("/endless.xml", stream=1_000_000_000, content_length=False)

    outcome = fetch_in_a_new_process(feed_server.url("/endless.xml"))

    assert (outcome["kind"], outcome["message"]) == ("too_large", "Response larger than 5,000,000 bytes")
    assert outcome["grown_kib"] < MEMORY_BOUND_KIB
