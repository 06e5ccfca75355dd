"""The content version: a number that changes whenever anything a reader page shows changes.

Code that caches a fragment (an excerpt, a block of links) puts the version
in its cache key, so every edit shows at once without purging by hand. On
one machine it is a random token in a file of the data folder, replaced at
each change; with Redis it is a counter there, shared by every machine.
"""

import os
import secrets
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from django.conf import settings

from .configured import redis_prefix, redis_url

VERSION_FILE = "content-version"


def _redis():
    return _client(redis_url())


@cache
def _client(url):
    import redis

    return redis.Redis.from_url(url)


# The version read once for the request being served: a story page asks for
# it a dozen times (each fragment, each remembered lookup). Outside a request
# (the worker, a command) every call reads it.
_request_holder = ContextVar("newsdesk_content_version", default=None)


@contextmanager
def one_version_per_request():
    """Read the content version at most once inside the block, unless the block itself changes it."""
    token = _request_holder.set({})
    try:
        yield
    finally:
        _request_holder.reset(token)


def content_version():
    holder = _request_holder.get()
    if holder is None:
        return _read_content_version()
    if "version" not in holder:
        holder["version"] = _read_content_version()
    return holder["version"]


def _read_content_version():
    if redis_url():
        return (_redis().get(redis_prefix() + "content-version") or b"0").decode()
    try:
        return (Path(settings.DATA_DIR) / VERSION_FILE).read_text()
    except FileNotFoundError:
        return "0"


def bump_content_version():
    holder = _request_holder.get()
    if holder is not None:
        holder.pop("version", None)
    _bump_content_version()


def _bump_content_version():
    if redis_url():
        _redis().incr(redis_prefix() + "content-version")
        return
    path = Path(settings.DATA_DIR) / VERSION_FILE
    # A name of this call's own: two threads of one process (polling threads
    # publishing wire stories, two editors) may bump at once.
    temporary = path.with_name(f".{VERSION_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    temporary.write_text(secrets.token_hex(8))
    os.replace(temporary, path)
