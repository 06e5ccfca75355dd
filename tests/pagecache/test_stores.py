"""The stores themselves: a purge during a render wins, lifetimes end, Redis works like the disk."""

import threading
import time
import uuid

import pytest

from newsdesk.pagecache.entries import make_entry
from newsdesk.pagecache.keys import KeyMaker, PageKey
from newsdesk.pagecache.stores import FileStore, RedisStore

BODY = ("<p>" + "Harbour news. " * 200 + "</p>").encode()


def key(path="/world/harbour/", query=""):
    return PageKey("http", "example.org", path, query)


def entry(lifetime=60, body=BODY):
    return make_entry(200, [("Content-Type", "text/html; charset=utf-8")], body, lifetime)


def redis_available():
    try:
        import redis

        return redis.Redis.from_url("redis://127.0.0.1:6379/0").ping()
    except Exception:
        return False


@pytest.fixture(params=["disk", "redis"])
def store(request, tmp_path):
    if request.param == "disk":
        yield FileStore(tmp_path / "pages")
        return
    if not redis_available():
        pytest.skip("no Redis at 127.0.0.1:6379")
    store = RedisStore("redis://127.0.0.1:6379/0", prefix=f"newsdesk-test:{uuid.uuid4().hex}:")
    yield store
    store.clear()


def test_a_stored_page_is_read_back_whole(store):
    stored = entry()
    assert store.put(key(), stored, {"story:1"}, store.generation())
    read = store.get(key())
    assert (read.body, read.gzipped, read.brotli, read.etag) == (stored.body, stored.gzipped, stored.brotli, stored.etag)
    assert store.get(key("/elsewhere/")) is None


def test_a_purge_during_the_render_keeps_the_stale_page_out(store):
    generation = store.generation()  # the render starts
    store.invalidate({"story:1"})  # an editor publishes meanwhile
    assert not store.put(key(), entry(), {"story:1"}, generation)
    assert store.get(key()) is None


def test_invalidate_removes_exactly_the_pages_with_the_tags(store):
    generation = store.generation()
    store.put(key("/a/"), entry(), {"story:1", "list:home"}, generation)
    store.put(key("/b/"), entry(), {"story:2"}, generation)
    store.put(key("/c/", "page=2"), entry(), {"list:home"}, generation)
    urls = store.invalidate({"list:home"})
    assert urls == ["http://example.org/a/", "http://example.org/c/?page=2"]
    assert store.get(key("/a/")) is None and store.get(key("/c/", "page=2")) is None
    assert store.get(key("/b/")) is not None
    assert store.clear() == ["http://example.org/b/"]
    assert store.get(key("/b/")) is None


def test_the_disk_store_writes_pages_for_a_web_server_and_removes_them(tmp_path):
    store = FileStore(tmp_path / "pages")
    store.put(key("/world/harbour/"), entry(), {"story:1"}, store.generation())
    store.put(key("/feeds/rss.xml"), entry(), {"story:1"}, store.generation())
    public = tmp_path / "pages" / "public" / "http" / "example.org"
    assert (public / "world" / "harbour" / "index.html").read_bytes() == BODY
    assert (public / "world" / "harbour" / "index.html.gz").exists()
    assert (public / "world" / "harbour" / "index.html.br").exists()
    assert (public / "feeds" / "rss.xml").read_bytes() == BODY
    store.invalidate({"story:1"})
    assert not list(public.rglob("*.html*")) and not (public / "feeds" / "rss.xml").exists()


def test_sweep_removes_pages_past_their_lifetime(tmp_path):
    store = FileStore(tmp_path / "pages")
    store.put(key("/old/"), entry(lifetime=-1), set(), store.generation())
    store.put(key("/new/"), entry(lifetime=60), set(), store.generation())
    assert store.sweep() == 1
    assert store.get(key("/old/")) is None and store.get(key("/new/")) is not None


def test_processes_sharing_a_disk_store_see_each_others_purges(tmp_path):
    """Two stores on one folder stand for two web processes: one's purge is the other's miss."""
    first, second = FileStore(tmp_path / "pages"), FileStore(tmp_path / "pages")
    first.put(key(), entry(), {"story:1"}, first.generation())
    assert second.get(key()) is not None  # now in second's memory too
    first.invalidate({"story:1"})
    assert second.get(key()) is None


def test_concurrent_writers_and_purges_leave_no_stale_page(tmp_path):
    """Renders racing purges: every page left was rendered after the last purge began."""
    store = FileStore(tmp_path / "pages")
    stop = threading.Event()
    stored_at = {}  # page -> the generation its render started in, for the stores that succeeded

    def render_and_store(number):
        while not stop.is_set():
            generation = store.generation()
            if store.put(key(f"/story-{number}/"), entry(), {"story:1"}, generation):
                stored_at[number] = generation

    writers = [threading.Thread(target=render_and_store, args=(n,)) for n in range(4)]
    for writer in writers:
        writer.start()
    purges = 0
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        store.invalidate({"story:1"})
        purges += 1
    stop.set()
    for writer in writers:
        writer.join()
    final = store.generation()
    left = [number for number in range(4) if store.get(key(f"/story-{number}/")) is not None]
    assert purges > 10
    assert all(stored_at[number] == final for number in left), (stored_at, final)
    indexed = {row[0] for row in store._db().execute("SELECT digest FROM entries")}
    on_disk = {path.name for path in (tmp_path / "pages" / "entries").rglob("*") if path.is_file()}
    assert on_disk == indexed


def test_keys_follow_what_reader_pages_read():
    keys = KeyMaker()
    base = {"REQUEST_METHOD": "GET", "PATH_INFO": "/world/", "HTTP_HOST": "Example.org", "wsgi.url_scheme": "https"}
    assert keys(base) == PageKey("https", "example.org", "/world/", "")
    assert keys({**base, "QUERY_STRING": "page=3&utm_source=x"}).query == "page=3"
    assert keys({**base, "QUERY_STRING": "page=abc"}) is None
    assert keys({**base, "HTTP_COOKIE": "theme=dark; sessionid=abc"}) is None
    assert keys({**base, "REQUEST_METHOD": "POST"}) is None
    assert keys({**base, "PATH_INFO": "/admin/pages/"}) is None
    assert keys({**base, "PATH_INFO": "/world/../admin/"}) is None
    assert keys({**base, "HTTP_HOST": "evil.example/../../etc"}) is None
    assert keys({**base, "PATH_INFO": "/search/", "QUERY_STRING": "q=tide"}).query == "q=tide"
    assert keys({**base, "PATH_INFO": "/search/", "QUERY_STRING": "q=tide&page=2"}) is None
    assert keys({**base, "PATH_INFO": "/world/", "QUERY_STRING": "q=tide"}) is None
