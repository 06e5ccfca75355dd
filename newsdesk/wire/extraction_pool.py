"""Extraction in a pool of processes, so polls running in threads are not held up by the GIL.

Fetching waits on the network and storing waits on the database; both let
other threads run. Extraction is Python walking a page's tree, which holds
the GIL: with one worker process polling many sources at once, the threads
would take turns on one core however many the machine has. With
NEWSDESK_EXTRACTION_PROCESSES above 0 the pages go to that many processes
instead, and the polling threads only wait for the answer.

The pool starts on first use and once per process (a forked child starts
its own). Its processes come from a fork server, started clean, so they
inherit none of the worker's threads, locks or database connections.
"""

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from newsdesk import conf

from .extraction import ExtractionError, extract

# Pages extracted at once in the polling threads themselves. The GIL lets
# one run at a time anyway; the bound keeps forty threads from holding forty
# parsed trees of pages of up to NEWSDESK_FETCH_MAX_BYTES in memory at once.
IN_THREAD_EXTRACTIONS = 2

_lock = threading.Lock()
_pool = None  # (pid, size, executor)
_in_thread = threading.BoundedSemaphore(IN_THREAD_EXTRACTIONS)


def _forget_pool():
    global _lock, _pool, _in_thread
    _lock = threading.Lock()
    _pool = None
    _in_thread = threading.BoundedSemaphore(IN_THREAD_EXTRACTIONS)


os.register_at_fork(after_in_child=_forget_pool)


def extract_page(content, **arguments):
    """``extract(content, **arguments)``, in the pool when NEWSDESK_EXTRACTION_PROCESSES is above 0.

    A pool process that dies (killed, out of memory on a hostile page)
    costs that page only: it fails with ExtractionError and the next page
    gets a new pool.
    """
    size = conf.get("NEWSDESK_EXTRACTION_PROCESSES")
    if size <= 0:
        with _in_thread:
            return extract(content, **arguments)
    executor = _executor(size)
    try:
        return executor.submit(extract, content, **arguments).result()
    except BrokenProcessPool:
        _discard(executor)
        raise ExtractionError("the extraction process stopped while reading this page") from None


def _executor(size):
    global _pool
    with _lock:
        if _pool is None or _pool[:2] != (os.getpid(), size):
            if _pool is not None and _pool[0] == os.getpid():
                _pool[2].shutdown(wait=False, cancel_futures=True)
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["newsdesk.wire.extraction"])
            _pool = (os.getpid(), size, ProcessPoolExecutor(max_workers=size, mp_context=context))
        return _pool[2]


def _discard(executor):
    global _pool
    with _lock:
        if _pool is not None and _pool[2] is executor:
            _pool = None
    executor.shutdown(wait=False, cancel_futures=True)
