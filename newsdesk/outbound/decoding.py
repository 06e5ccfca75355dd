"""Content decoding with bounded output: a few hundred compressed bytes cannot become gigabytes in memory.

Decoders that inflate a whole network chunk at once let 203 bytes of brotli
become 256 MiB in one call, before any size limit can look at them. Here
every decoding step produces about ``STEP`` bytes at most, and steps are taken
only as the caller asks for output, so a caller that stops once it has
``max_bytes`` stops the decoding too.

Codings: gzip (also x-gzip), deflate (zlib-wrapped as RFC 9110 says, or raw
deflate as some servers send it), brotli when the installed ``brotli``
package can bound its output (1.2 and later), and identity. Stacked codings
("gzip, br") are undone in reverse order, each layer bounded; more than
``MAX_LAYERS`` or an unknown coding is refused.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Iterable, Iterator

from .errors import FetchError

# Output of one decoding step. Small enough that a step costs nothing, large
# enough that a 5 MB page takes under a hundred steps.
STEP = 64 * 1024
# Real servers use one coding, rarely two (a pre-compressed file compressed
# again by a proxy). More is a decompression bomb trying to multiply itself.
MAX_LAYERS = 2


def _bounded_brotli():
    """The brotli module if its Decompressor can bound its output, else None."""
    try:
        import brotli
    except ImportError:
        return None
    try:
        brotli.Decompressor().process(b"", output_buffer_limit=1)
    except (AttributeError, TypeError):  # brotli < 1.2: no way to bound one call's output
        return None
    return brotli


brotli = _bounded_brotli()

# What we ask servers for: only codings we can decode with bounded output.
ACCEPT_ENCODING = "gzip, deflate, br" if brotli else "gzip, deflate"


def codings(content_encoding: str | None) -> list[str]:
    """The Content-Encoding header's codings, in the order they were applied; refuses what we cannot undo."""
    applied = [coding.strip().lower() for coding in (content_encoding or "").split(",")]
    applied = [coding for coding in applied if coding and coding != "identity"]
    for coding in applied:
        if coding not in _DECODERS or (coding == "br" and brotli is None):
            raise FetchError("bad_response", f"Unsupported content coding {coding!r}")
    if len(applied) > MAX_LAYERS:
        raise FetchError(
            "bad_response", f"Refused a body compressed {len(applied)} times over ({', '.join(applied)})"
        )
    return applied


def decoded(raw: Iterable[bytes], content_encoding: str | None) -> Iterator[bytes]:
    """The body ``raw`` decoded, in pieces of about ``STEP`` bytes at most, each produced only when asked for."""
    chunks: Iterable[bytes] = raw
    for coding in reversed(codings(content_encoding)):
        chunks = _DECODERS[coding](chunks)
    try:
        for chunk in chunks:
            if chunk:
                yield chunk
    except _CORRUPT as error:
        raise FetchError("bad_response", f"Could not decode the response body: {error}") from None


def _gzip(chunks: Iterable[bytes]) -> Iterator[bytes]:
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    for data in chunks:
        while data:
            if decompressor.eof:
                # Members may follow one another (RFC 1952 §2.2), each bounded too.
                if not data.startswith(b"\x1f"):
                    return  # bytes after the last member: ignored, as browsers do
                decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
            yield from _drain(decompressor, data)
            data = decompressor.unused_data if decompressor.eof else b""


def _deflate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    chunks = iter(chunks)
    head = b""
    for data in chunks:
        head += data
        if len(head) >= 2:
            break
    decompressor = zlib.decompressobj(zlib.MAX_WBITS if _zlib_wrapped(head) else -zlib.MAX_WBITS)
    for data in itertools.chain([head], chunks):
        if decompressor.eof:
            return  # bytes after the end of the stream: ignored
        yield from _drain(decompressor, data)


def _zlib_wrapped(head: bytes) -> bool:
    """Whether a "deflate" body starts with a zlib header (RFC 1950) or is raw deflate, as some servers send."""
    return len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0


def _drain(decompressor, data: bytes) -> Iterator[bytes]:
    """Feed ``data`` to a zlib decompressor, ``STEP`` bytes of output at a time, up to the stream's end.

    At the end of the stream whatever follows is left in ``unused_data``.
    (Fed again after the end, a decompressor given ``max_length`` keeps
    handing back the same tail and never finishes: never feed it again.)
    """
    while True:
        piece = decompressor.decompress(data, STEP)
        yield piece
        if decompressor.eof:
            return
        tail = decompressor.unconsumed_tail
        # A full step may have left output inside zlib even with no input left.
        if not tail and len(piece) < STEP:
            return
        if not piece and len(tail) == len(data):
            raise FetchError("bad_response", "Could not decode the response body: no progress")
        data = tail


def _brotli(chunks: Iterable[bytes]) -> Iterator[bytes]:
    decompressor = brotli.Decompressor()
    for data in chunks:
        yield decompressor.process(data, output_buffer_limit=STEP)
        # The decompressor takes no new input until it has handed out what it holds.
        while not decompressor.can_accept_more_data():
            yield decompressor.process(b"", output_buffer_limit=STEP)
    while not decompressor.is_finished():
        piece = decompressor.process(b"", output_buffer_limit=STEP)
        if not piece:
            return  # truncated: what came is what we have
        yield piece


_CORRUPT = (zlib.error, brotli.error) if brotli else (zlib.error,)
_DECODERS = {"gzip": _gzip, "x-gzip": _gzip, "deflate": _deflate, "br": _brotli}
