"""`newsdesk serve`: the production web server.

Granian, a web server written in Rust, runs the WSGI application: cached
pages are answered by newsdesk.pagecache.wsgi before Django, and at that
point the server's own cost is most of the request. Measured on two cores
with the cached demo article (wrk, 50 connections): granian 2 workers
20,600 requests/s, gunicorn 2 sync workers 2,200 (docs/caching.md).
"""

import ctypes
import os

import click

# Access log lines as in the common log format, plus the time taken.
ACCESS_LOG_FORMAT = '[%(time)s] %(addr)s "%(method)s %(path)s %(protocol)s" %(status)d %(dt_ms).1fms'


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="Processes; one per core is right.")
# Two threads per worker: pages that miss the cache are rendered under the
# GIL, so more threads add no speed, only memory (each rendering thread keeps
# its own database connection and allocations: under load a worker peaked at
# 160 MB with four, 150 MB with two, serving as many pages a second).
@click.option(
    "--threads", default=2, show_default=True, type=int,
    help="Threads per process rendering pages the cache cannot answer.",
)
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log each request.")
def serve(host, port, workers, threads, access_log):
    """Serve the site with the production web server (run `newsdesk setup` first)."""
    from granian import Granian
    from granian.constants import Interfaces

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    tune_memory_allocator()
    Granian(
        "newsdesk.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        log_access=access_log,
        log_access_format=ACCESS_LOG_FORMAT,
        respawn_failed_workers=True,
    ).serve()


# mallopt's parameter numbers (malloc.h).
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
# Blocks from this size up get memory of their own from the kernel, handed
# back when freed.
MMAP_THRESHOLD = 256 * 1024


def tune_memory_allocator(arenas=2):
    """At most two glibc memory arenas, and large blocks given back at once, here and in forked workers.

    glibc gives each thread that allocates its own arena and seldom returns
    their memory: with four threads rendering under load, a worker grew to
    290 MB, against 175 MB with two arenas, at the same speed
    (docs/performance.md). glibc also raises its threshold for giving large
    blocks memory of their own each time one is freed, after which a page's
    large buffers stay in the heap: a fixed threshold keeps a worker's
    resident memory near what it uses (130 MB after the first pages, against
    160 MB). The MALLOC_ARENA_MAX and MALLOC_MMAP_THRESHOLD_ variables do the
    same, but glibc reads them only when a process starts: setting them here
    would be too late for the workers, which granian forks from this process.
    An operator's own variables are left to rule.
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return  # not glibc (musl, macOS): nothing to tune
    if "MALLOC_ARENA_MAX" not in os.environ:
        mallopt(M_ARENA_MAX, arenas)
    if "MALLOC_MMAP_THRESHOLD_" not in os.environ:
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
