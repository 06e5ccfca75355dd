"""Compression bombs, built without ever holding what they expand to.

The gzip bomb is one deflate block of a mebibyte of zeros repeated: after a
full flush the compressor's state is reset, so compressing the next
mebibyte gives exactly the same bytes again. The body is streamed from that
one block, and the test process holds about a kilobyte whatever size it
claims. The brotli bomb is made once by feeding zeros through a streaming
compressor: two gibibytes become about 1.6 kB.
"""

import gzip
import struct
import zlib
from functools import cache

MEBIBYTE = 1 << 20
_ZEROS = bytes(MEBIBYTE)


@cache
def _deflate_parts():
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    first = compressor.compress(_ZEROS) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(_ZEROS) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first, repeated


def gzip_bomb_length(mebibytes):
    """Bytes on the wire of a gzip bomb that expands to `mebibytes` MiB of zeros."""
    first, repeated = _deflate_parts()
    return len(first) + len(repeated) * (mebibytes - 1) + 2 + 8


def gzip_bomb_chunks(mebibytes):
    """A gzip member expanding to `mebibytes` MiB of zeros, about 1 kB per MiB, generated lazily."""
    first, repeated = _deflate_parts()
    yield first
    for _ in range(mebibytes - 1):
        yield repeated
    # Only a client that read the whole bomb gets here: the trailer's CRC
    # is worked out then, not up front.
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(_ZEROS, crc)
    yield b"\x03\x00" + struct.pack("<II", crc, (mebibytes * MEBIBYTE) & 0xFFFFFFFF)


@cache
def gzip_bomb(mebibytes):
    """The whole gzip bomb as bytes (about 1 kB per MiB it expands to)."""
    return b"".join(gzip_bomb_chunks(mebibytes))


@cache
def brotli_bomb(mebibytes=2048):
    """A brotli stream of `mebibytes` MiB of zeros: 2 GiB compress to about 1.6 kB."""
    import brotli

    # Quality 3 reaches the same size as 11 on zeros, in a few seconds.
    compressor = brotli.Compressor(quality=3, lgwin=24)
    chunk = bytes(16 * MEBIBYTE)
    parts = [compressor.process(chunk) for _ in range(mebibytes // 16)]
    parts.append(compressor.finish())
    return b"".join(parts)


@cache
def gzip_of_gzip_bomb(mebibytes=1024):
    """Content-Encoding "gzip, gzip": a gzip bomb, gzipped again (a few kB for 1 GiB)."""
    return gzip.compress(gzip_bomb(mebibytes), compresslevel=9)


@cache
def gzip_of_brotli_bomb():
    """Content-Encoding "br, gzip": the brotli bomb, gzipped."""
    return gzip.compress(brotli_bomb(), compresslevel=9)
