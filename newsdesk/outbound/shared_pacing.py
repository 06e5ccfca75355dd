"""Per-host limits shared by worker processes: lock files on one machine, Redis across machines.

``pacing.HostPacing`` keeps the threads of one process within a host's
limits. A second worker process has its own, and two processes would each
send a host its full share. ``SharedPacing`` adds a limit every process
sees to the process's own:

- ``FileHostLimits``: lock files in one folder (``flock``). The kernel
  frees a dead process's locks, so nothing stale is ever left behind, and a
  request costs a few system calls and no database write (on SQLite every
  write would queue behind the polls' own). For workers on one machine,
  which is what a SQLite install is.
- ``RedisHostLimits``: a sorted set of slot holders and a last-start key
  per host, changed by Lua scripts so each check-and-take is one atomic
  step on the Redis server, whose clock every machine shares. A slot is a
  lease as long as the longest request can take, so a crashed worker's
  slot frees itself.

Both answer the same two questions: may a request to this host start now
(a slot is free), and when (``interval`` after the last start anywhere).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import random
import secrets
import struct
import time
from contextlib import contextmanager
from pathlib import Path

from .pacing import HostPacing, paced

# How often a request waiting for a slot held by another process looks
# again. A request takes at least a round trip; checking ten times as often
# wastes nothing and loses little of a freed slot's time.
SLOT_RETRY_SECONDS = (0.01, 0.03)


class SharedPacing:
    """This process's pacing (``HostPacing``) within limits shared with other processes."""

    def __init__(self, local: HostPacing, shared):
        self.local = local
        self.shared = shared

    @property
    def per_host_concurrency(self) -> int:
        return self.local.per_host_concurrency

    @contextmanager
    def turn(self, host: str, interval: float):
        """A slot of the host in this process and among all, and the host's pace kept among all."""
        with (
            self.local.turn(host, interval) as sent_here,
            self.shared.slot(host),
            self.shared.pace(host, paced(interval)) as sent_there,
        ):

            def sent():
                sent_here()
                sent_there()

            yield sent


def _host_key(host: str) -> str:
    # Host names are someone else's text; a digest is a safe file name and Redis key.
    return hashlib.sha256(host.encode("utf-8", errors="replace")).hexdigest()[:32]


class FileHostLimits:
    """Slots and pace per host shared by the processes of one machine, through lock files in ``folder``."""

    def __init__(self, folder, per_host_concurrency: int):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.per_host_concurrency = per_host_concurrency

    def _open(self, name: str) -> int:
        return os.open(self.folder / name, os.O_RDWR | os.O_CREAT, 0o600)

    @contextmanager
    def slot(self, host: str):
        """Hold one of the host's ``per_host_concurrency`` slot files locked."""
        key = _host_key(host)
        files = [self._open(f"{key}.slot{number}") for number in range(self.per_host_concurrency)]
        held = None
        try:
            while held is None:
                for descriptor in random.sample(files, len(files)):
                    try:
                        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        continue
                    held = descriptor
                    break
                else:
                    time.sleep(random.uniform(*SLOT_RETRY_SECONDS))
            yield
        finally:
            for descriptor in files:
                os.close(descriptor)  # closing also releases the lock

    @contextmanager
    def pace(self, host: str, interval: float):
        """Wait until ``interval`` after the host's last request went out from any process.

        Yields ``sent``, which records that this request has gone out and lets
        the next process's turn begin. The lock is held while sleeping and
        until then on purpose, as in pacing.py: the processes waiting for
        this host queue behind it and go out one interval apart.
        """
        descriptor = self._open(f"{_host_key(host)}.pace")
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            # At most one interval's sleep: a clock set back cannot stall the host.
            wait = _read_time(descriptor) + interval - time.time()
            if wait > 0:
                time.sleep(min(wait, interval))
            holding = [True]

            def sent():
                if holding.pop() if holding else False:
                    os.pwrite(descriptor, struct.pack("<d", time.time()), 0)
                    fcntl.flock(descriptor, fcntl.LOCK_UN)

            yield sent
            if holding:  # never sent (it failed first): no start to count
                fcntl.flock(descriptor, fcntl.LOCK_UN)
        finally:
            os.close(descriptor)  # also releases the lock


def _read_time(descriptor: int) -> float:
    recorded = os.pread(descriptor, 8, 0)
    return struct.unpack("<d", recorded)[0] if len(recorded) == 8 else float("-inf")


# KEYS[1]: the host's slot holders (a sorted set scored by lease end, in ms).
# ARGV: holder, slots, lease in ms. 1 when the slot is taken.
_TAKE_SLOT = """
local clock = redis.call('TIME')
local now = clock[1] * 1000 + math.floor(clock[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
  return 1
end
return 0
"""

# KEYS[1]: the host's last start (ms). ARGV: interval in ms.
# 0 when this start is recorded, else the milliseconds to wait.
_TAKE_START = """
local clock = redis.call('TIME')
local now = clock[1] * 1000 + math.floor(clock[2] / 1000)
local last = tonumber(redis.call('GET', KEYS[1]))
local interval = tonumber(ARGV[1])
if last and last + interval > now then
  return last + interval - now
end
redis.call('SET', KEYS[1], now, 'PX', math.max(interval, 1000))
return 0
"""


# KEYS[1]: the host's last start (ms), moved to now: the request has gone out.
_MARK_SENT = """
local clock = redis.call('TIME')
local now = clock[1] * 1000 + math.floor(clock[2] / 1000)
local ttl = redis.call('PTTL', KEYS[1])
redis.call('SET', KEYS[1], now, 'PX', math.max(ttl, 1000))
return 0
"""


class RedisHostLimits:
    """Slots and pace per host shared by every process that reaches one Redis server."""

    def __init__(self, url: str, per_host_concurrency: int, slot_seconds: float, prefix: str = "newsdesk:host:"):
        import redis

        self.redis = redis.Redis.from_url(url)
        self.per_host_concurrency = per_host_concurrency
        # A slot outlives the longest request (the fetch timeout) a little;
        # past that its holder is gone and the slot frees itself.
        self.slot_ms = int((slot_seconds + 10) * 1000)
        self.prefix = prefix
        self._take_slot = self.redis.register_script(_TAKE_SLOT)
        self._take_start = self.redis.register_script(_TAKE_START)
        self._mark_sent = self.redis.register_script(_MARK_SENT)

    @contextmanager
    def slot(self, host: str):
        key = f"{self.prefix}{_host_key(host)}:slots"
        holder = secrets.token_hex(8)
        while not self._take_slot(keys=[key], args=[holder, self.per_host_concurrency, self.slot_ms]):
            time.sleep(random.uniform(*SLOT_RETRY_SECONDS))
        try:
            yield
        finally:
            self.redis.zrem(key, holder)

    @contextmanager
    def pace(self, host: str, interval: float):
        """Wait until ``interval`` after the host's last start anywhere; yield ``sent`` to move it to the send."""
        key = f"{self.prefix}{_host_key(host)}:start"
        while wait := self._take_start(keys=[key], args=[int(interval * 1000)]):
            time.sleep(min(int(wait), interval * 1000) / 1000)
        yield lambda: self._mark_sent(keys=[key])
