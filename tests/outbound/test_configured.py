"""The fetcher from the settings: one per process, kept across polls, rebuilt when it must be."""

import os

from newsdesk.outbound.configured import make_fetcher, shared_fetcher


def test_the_shared_fetcher_is_one_per_process(settings):
    """Every call gives the same fetcher, so robots.txt answers and host pacing outlast one poll."""
    settings.NEWSDESK_FETCH_TIMEOUT = 7.0
    assert shared_fetcher() is shared_fetcher()
    assert shared_fetcher().timeout == 7.0


def test_the_shared_fetcher_follows_the_settings(settings):
    """Changed settings (tests overriding them, for one) give a fetcher built from the new ones."""
    settings.NEWSDESK_FETCH_ALLOWED_ADDRESSES = ()
    before = shared_fetcher()
    settings.NEWSDESK_FETCH_ALLOWED_ADDRESSES = ("127.0.0.1:8000",)
    after = shared_fetcher()
    assert after is not before
    assert after.guard.refusal("127.0.0.1", 8000) is None and before.guard.refusal("127.0.0.1", 8000)


def test_a_forked_child_builds_its_own():
    """A worker process forked from a parent that had one does not reuse the parent's."""
    parent = shared_fetcher()
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child reports through the pipe)
        try:
            os.write(write_end, b"own" if shared_fetcher() is not parent else b"shared")
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(child, 0)
    assert os.read(read_end, 10) == b"own"
    os.close(read_end)
    assert shared_fetcher() is parent


def test_a_closed_shared_fetcher_still_works(feed_server, settings):
    """Closing it (a caller's `with`) only drops its pooled connections."""
    settings.NEWSDESK_FETCH_ALLOWED_NETWORKS = ("127.0.0.1/32",)
    settings.NEWSDESK_FETCH_PER_HOST_DELAY = 0
    with shared_fetcher() as fetcher:
        assert fetcher.fetch(feed_server.url("/rss.xml")).status == 200
    assert shared_fetcher().fetch(feed_server.url("/atom.xml")).status == 200


def test_make_fetcher_builds_a_new_one_each_time():
    with make_fetcher() as first, make_fetcher() as second:
        assert first is not second
