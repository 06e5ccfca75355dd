"""Content decoding: every coding we ask for, stacked codings, and what is refused."""

import gzip
import zlib

import brotli
import pytest

from newsdesk.outbound import Fetcher, FetchError
from newsdesk.outbound.decoding import ACCEPT_ENCODING, STEP, decoded

from .conftest import LOCAL, USER_AGENT

TEXT = b"<rss><channel><title>Harbour news</title></channel></rss>\n" * 20_000  # about 1.2 MB


def pieces(data, size):
    return [data[start : start + size] for start in range(0, len(data), size)]


ENCODED = {
    "gzip": gzip.compress(TEXT),
    "x-gzip": gzip.compress(TEXT),
    "deflate": zlib.compress(TEXT),
    "br": brotli.compress(TEXT),
    "gzip, br": brotli.compress(gzip.compress(TEXT)),
    "br, deflate": zlib.compress(brotli.compress(TEXT)),
    "identity": TEXT,
    "gzip, identity": gzip.compress(TEXT),
}


@pytest.mark.parametrize("encoding", ENCODED)
@pytest.mark.parametrize("size", [1, 1000, 10**8])
def test_bodies_decode_whatever_the_network_chunks(encoding, size):
    """The decoded body is the same whether it arrives a byte at a time or at once."""
    assert b"".join(decoded(pieces(ENCODED[encoding], size), encoding)) == TEXT


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "gzip, br"])
def test_each_step_gives_a_bounded_piece(encoding):
    """No decoding step hands out more than about STEP bytes, however much one chunk holds."""
    assert max(len(piece) for piece in decoded([ENCODED[encoding]], encoding)) <= STEP


def test_brotli_steps_are_bounded_too():
    """brotli rounds its output buffer up to its own block size, still a small multiple of STEP."""
    bomb = brotli.compress(bytes(64 * STEP))
    steps = [len(piece) for piece in decoded([bomb], "br")]
    assert sum(steps) == 64 * STEP and max(steps) <= 2 * STEP


def test_raw_deflate_is_read_too():
    """Some servers send "deflate" without the zlib wrapper."""
    raw = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = raw.compress(TEXT) + raw.flush()
    assert b"".join(decoded(pieces(body, 1), "deflate")) == TEXT


def test_gzip_members_in_a_row_are_read():
    """RFC 1952 allows several gzip members one after another."""
    body = gzip.compress(TEXT[:1000]) + gzip.compress(TEXT[1000:])
    assert b"".join(decoded(pieces(body, 333), "gzip")) == TEXT


@pytest.mark.parametrize(
    ("encoding", "message"),
    [
        ("gzip, gzip, gzip", "Refused a body compressed 3 times over (gzip, gzip, gzip)"),
        ("compress", "Unsupported content coding 'compress'"),
        ("zstd", "Unsupported content coding 'zstd'"),
    ],
)
def test_too_many_layers_or_unknown_codings_are_refused(feed_server, encoding, message):
    """More than two codings, or one we do not know, is refused with the reason."""
    feed_server.set("/rss.xml", body=b"whatever", headers={"Content-Encoding": encoding})
    with Fetcher(USER_AGENT, timeout=2.0, allowed_networks=LOCAL, per_host_delay=0) as fetcher:
        with pytest.raises(FetchError) as raised:
            fetcher.fetch(feed_server.url("/rss.xml"))
    assert (raised.value.kind, str(raised.value)) == ("bad_response", message)


def test_a_corrupt_body_is_a_bad_response(feed_server):
    feed_server.set("/rss.xml", body=b"not gzip at all", headers={"Content-Encoding": "gzip"})
    with Fetcher(USER_AGENT, timeout=2.0, allowed_networks=LOCAL, per_host_delay=0) as fetcher:
        with pytest.raises(FetchError) as raised:
            fetcher.fetch(feed_server.url("/rss.xml"))
    assert raised.value.kind == "bad_response"
    assert str(raised.value).startswith("Could not decode the response body: ")


def test_we_ask_for_what_we_can_decode_boundedly():
    """brotli is asked for only because the installed package bounds its output (brotli ≥ 1.2)."""
    assert ACCEPT_ENCODING == "gzip, deflate, br"


def test_bytes_after_the_last_gzip_member_are_ignored():
    """A stray newline after the gzip data (some servers add one) does not spoil the body."""
    assert b"".join(decoded(pieces(gzip.compress(TEXT) + b"\r\n", 1000), "gzip")) == TEXT


@pytest.mark.parametrize("size", [1000, 10**8])
def test_a_member_ending_on_a_step_boundary_is_followed_by_the_next(size):
    """A member whose output fills whole steps, with more input behind it, neither stalls nor loses the rest."""
    body = gzip.compress(bytes(2 * STEP)) + gzip.compress(b"next member") + b"\n"
    assert b"".join(decoded(pieces(body, size), "gzip")) == bytes(2 * STEP) + b"next member"
    trailing = zlib.compress(bytes(2 * STEP)) + b"junk"
    assert b"".join(decoded(pieces(trailing, size), "deflate")) == bytes(2 * STEP)
