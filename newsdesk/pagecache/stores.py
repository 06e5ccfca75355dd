"""Where cached pages live: files on one machine, or Redis for many.

Both stores keep a generation number that every purge increases. A page
is stored only if no purge ran while it rendered (checked before and after
writing), so a page rendered from data an editor has just changed is never
left behind in the cache.

The file store also writes each page without a query string where a web
server in front can answer it without Python (`public/<scheme>/<host><path>`,
with `.gz` and `.br` beside it: see docs/caching.md for nginx).
"""

import os
import sqlite3
import threading
import time
from collections import OrderedDict
from pathlib import Path

from .entries import Entry

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (digest TEXT PRIMARY KEY, url TEXT NOT NULL,
                                    public TEXT NOT NULL, expires REAL NOT NULL);
CREATE INDEX IF NOT EXISTS entries_expires ON entries (expires);
CREATE TABLE IF NOT EXISTS tags (tag TEXT NOT NULL, digest TEXT NOT NULL,
                                 PRIMARY KEY (tag, digest)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tags_digest ON tags (digest);
CREATE TABLE IF NOT EXISTS state (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO state VALUES ('generation', 0);
"""
# SQLite limits the parameters of one statement; purge in slices of this many.
SLICE = 500
# A render lock older than this was left by a process that died: it is taken over.
LOCK_SECONDS = 30


class Mirror:
    """The entries this process served last, in memory, checked against their file at each hit."""

    def __init__(self, budget):
        self.budget = budget
        self.used = 0
        self.items = OrderedDict()
        self.lock = threading.Lock()

    def get(self, name, signature):
        with self.lock:
            item = self.items.get(name)
            if item is None or item[0] != signature:
                return None
            self.items.move_to_end(name)
            return item[1]

    def put(self, name, signature, entry, size):
        if size > self.budget // 4:
            return
        with self.lock:
            old = self.items.pop(name, None)
            if old is not None:
                self.used -= old[2]
            self.items[name] = (signature, entry, size)
            self.used += size
            while self.used > self.budget:
                _, (_, _, dropped) = self.items.popitem(last=False)
                self.used -= dropped


class FileStore:
    """Pages as files under `root`, indexed by tag in a SQLite file beside them."""

    def __init__(self, root, mirror_bytes=8 * 1024 * 1024):
        self.root = Path(root)
        self.entries_dir = self.root / "entries"
        self.public_dir = self.root / "public"
        self.mirror = Mirror(mirror_bytes)
        self._local = threading.local()
        self._ready = False

    # The index ------------------------------------------------------------

    def _db(self):
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            if not self._ready:
                self.entries_dir.mkdir(parents=True, exist_ok=True)
                self.public_dir.mkdir(parents=True, exist_ok=True)
            local.db = sqlite3.connect(self.root / "index.sqlite3", timeout=10, isolation_level=None)
            local.db.execute("PRAGMA journal_mode=WAL")
            local.db.execute("PRAGMA synchronous=NORMAL")
            local.db.executescript(SCHEMA)
            local.pid = os.getpid()
            self._ready = True
        return local.db

    def generation(self):
        return self._db().execute("SELECT value FROM state WHERE name = 'generation'").fetchone()[0]

    def _bump(self, db):
        db.execute("UPDATE state SET value = value + 1 WHERE name = 'generation'")

    # Reading --------------------------------------------------------------

    def _entry_path(self, digest):
        return self.entries_dir / digest[:2] / digest

    def get(self, key):
        digest = key.digest
        path = self._entry_path(digest)
        try:
            stat = os.stat(path)
        except OSError:
            return None
        signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        entry = self.mirror.get(digest, signature)
        if entry is None:
            try:
                data = path.read_bytes()
            except OSError:
                return None
            entry = Entry.from_bytes(data)
            if entry is None:
                return None
            self.mirror.put(digest, signature, entry, len(data))
        return entry

    # Writing --------------------------------------------------------------

    def public_path(self, key):
        """Where a web server in front finds the page, or None for pages it never serves."""
        if key.query:
            return None
        name = key.path + ("index.html" if key.path.endswith("/") else "")
        path = self.public_dir / key.scheme / key.host / name.lstrip("/")
        if ".." in path.parts:
            return None
        return path

    def put(self, key, entry, tags, generation):
        """Store `entry` under `key` unless a purge ran since `generation` was read."""
        db = self._db()
        if self.generation() != generation:
            return False
        digest = key.digest
        public = self.public_path(key)
        written = []
        try:
            _write_atomically(self._entry_path(digest), entry.to_bytes())
            if public is not None:
                for suffix, body in (("", entry.body), (".gz", entry.gzipped), (".br", entry.brotli)):
                    target = public.with_name(public.name + suffix)
                    if body:
                        _write_atomically(target, body)
                        written.append(target)
        except OSError:
            self._remove_files(digest, public)
            return False
        with db:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)",
                (digest, key.url, str(public) if public else "", entry.expires),
            )
            db.execute("DELETE FROM tags WHERE digest = ?", (digest,))
            db.executemany("INSERT OR IGNORE INTO tags VALUES (?, ?)", [(tag, digest) for tag in tags])
        if self.generation() != generation or not self._entry_path(digest).exists():
            # A purge ran while the page was being written: it may have missed
            # it, or removed the file just written before this row went in.
            self._forget([digest])
            return False
        return True

    # Rendering once -------------------------------------------------------

    def render_lock(self, key):
        return FileLock(self.root / "locks" / key.digest)

    # Purging --------------------------------------------------------------

    def invalidate(self, tags):
        """Remove every page carrying one of `tags`; return their URLs."""
        db = self._db()
        tags = list(tags)
        found = {}
        with db:
            db.execute("BEGIN IMMEDIATE")
            self._bump(db)
            for start in range(0, len(tags), SLICE):
                chunk = tags[start : start + SLICE]
                marks = ",".join("?" * len(chunk))
                for digest, url, public in db.execute(
                    f"SELECT DISTINCT e.digest, e.url, e.public FROM tags t JOIN entries e ON e.digest = t.digest "
                    f"WHERE t.tag IN ({marks})",
                    chunk,
                ):
                    found[digest] = (url, public)
        self._forget(list(found), found)
        return sorted(url for url, _ in found.values())

    def clear(self):
        """Remove every page; return their URLs."""
        db = self._db()
        with db:
            db.execute("BEGIN IMMEDIATE")
            self._bump(db)
            found = {digest: (url, public) for digest, url, public in db.execute("SELECT digest, url, public FROM entries")}
        self._forget(list(found), found)
        return sorted(url for url, _ in found.values())

    def sweep(self, now=None):
        """Remove pages past their lifetime; return how many."""
        db = self._db()
        rows = db.execute(
            "SELECT digest, url, public FROM entries WHERE expires <= ?", (now or time.time(),)
        ).fetchall()
        self._forget([digest for digest, _, _ in rows], {digest: (url, public) for digest, url, public in rows})
        return len(rows)

    def _forget(self, digests, known=None):
        db = self._db()
        if known is None:
            known = {}
            for start in range(0, len(digests), SLICE):
                chunk = digests[start : start + SLICE]
                marks = ",".join("?" * len(chunk))
                for digest, url, public in db.execute(
                    f"SELECT digest, url, public FROM entries WHERE digest IN ({marks})", chunk
                ):
                    known[digest] = (url, public)
        for digest in digests:
            public = known.get(digest, (None, ""))[1]
            self._remove_files(digest, Path(public) if public else None)
        with db:
            db.execute("BEGIN IMMEDIATE")
            for start in range(0, len(digests), SLICE):
                chunk = digests[start : start + SLICE]
                marks = ",".join("?" * len(chunk))
                db.execute(f"DELETE FROM entries WHERE digest IN ({marks})", chunk)
                db.execute(f"DELETE FROM tags WHERE digest IN ({marks})", chunk)

    def _remove_files(self, digest, public):
        paths = [self._entry_path(digest)]
        if public is not None:
            paths += [public.with_name(public.name + suffix) for suffix in ("", ".gz", ".br")]
        for path in paths:
            try:
                path.unlink()
            except FileNotFoundError:
                pass


class FileLock:
    """A lock on rendering one page, shared by every process on the machine: a file created exclusively."""

    def __init__(self, path):
        self.path = path

    def acquire(self):
        for _ in range(2):
            try:
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
                return True
            except FileNotFoundError:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except FileExistsError:
                try:
                    if time.time() - os.stat(self.path).st_mtime < LOCK_SECONDS:
                        return False
                    os.unlink(self.path)  # left by a process that died
                except FileNotFoundError:
                    pass
        return False

    def held(self):
        return os.path.exists(self.path)

    def release(self):
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


def _write_atomically(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


class RedisStore:
    """Pages in Redis, shared by every web process on every machine.

    An entry is one value with the page's lifetime as its expiry; each tag
    is a set of entry keys. Reads need one round trip.
    """

    def __init__(self, url, prefix):
        import redis

        self.redis = redis.Redis.from_url(url)
        self.prefix = prefix

    def _entry_key(self, digest):
        return f"{self.prefix}entry:{digest}"

    def _tag_key(self, tag):
        return f"{self.prefix}tag:{tag}"

    def generation(self):
        return int(self.redis.get(self.prefix + "generation") or 0)

    def get(self, key):
        data = self.redis.get(self._entry_key(key.digest))
        return Entry.from_bytes(data) if data else None

    def put(self, key, entry, tags, generation):
        if self.generation() != generation:
            return False
        digest = key.digest
        lifetime = max(1, int(entry.expires - time.time()))
        pipe = self.redis.pipeline()
        pipe.set(self._entry_key(digest), entry.to_bytes(), ex=lifetime)
        pipe.hset(self.prefix + "urls", digest, key.url)
        for tag in tags:
            pipe.sadd(self._tag_key(tag), digest)
            pipe.expire(self._tag_key(tag), lifetime * 2)
        pipe.execute()
        if self.generation() != generation:
            self.redis.delete(self._entry_key(digest))
            return False
        return True

    def render_lock(self, key):
        return RedisLock(self.redis, f"{self.prefix}lock:{key.digest}")

    def invalidate(self, tags):
        self.redis.incr(self.prefix + "generation")
        tag_keys = [self._tag_key(tag) for tag in tags]
        digests = [d.decode() for d in self.redis.sunion(tag_keys)] if tag_keys else []
        return self._forget(digests, tag_keys)

    def clear(self):
        self.redis.incr(self.prefix + "generation")
        digests = [d.decode() for d in self.redis.hkeys(self.prefix + "urls")]
        tag_keys = list(self.redis.scan_iter(match=self._tag_key("*"), count=1000))
        return self._forget(digests, tag_keys)

    def _forget(self, digests, tag_keys):
        urls = []
        if digests:
            urls = [url.decode() for url in self.redis.hmget(self.prefix + "urls", digests) if url]
            pipe = self.redis.pipeline()
            pipe.delete(*[self._entry_key(digest) for digest in digests])
            pipe.hdel(self.prefix + "urls", *digests)
            pipe.execute()
        if tag_keys:
            self.redis.delete(*tag_keys)
        return sorted(urls)

    def sweep(self, now=None):
        """Redis expires entries itself; forget the URLs of the ones it dropped."""
        digests = [d.decode() for d in self.redis.hkeys(self.prefix + "urls")]
        gone = []
        for start in range(0, len(digests), SLICE):
            chunk = digests[start : start + SLICE]
            exists = self.redis.pipeline()
            for digest in chunk:
                exists.exists(self._entry_key(digest))
            gone += [digest for digest, alive in zip(chunk, exists.execute()) if not alive]
        if gone:
            self.redis.hdel(self.prefix + "urls", *gone)
        return len(gone)


class RedisLock:
    """A lock on rendering one page, shared by every machine: a Redis key set if absent, with an expiry."""

    def __init__(self, redis, name):
        self.redis = redis
        self.name = name

    def acquire(self):
        return bool(self.redis.set(self.name, b"1", nx=True, ex=LOCK_SECONDS))

    def held(self):
        return bool(self.redis.exists(self.name))

    def release(self):
        self.redis.delete(self.name)
