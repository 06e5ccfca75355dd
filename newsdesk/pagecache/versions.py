"""The content version: a number that changes whenever anything a reader page shows changes.

Code that caches a fragment (an excerpt, a block of links) puts the version
in its cache key, so every edit shows at once without purging by hand. On
one machine it is a random token in a file of the data folder, replaced at
each change; with Redis it is a counter there, shared by every machine.
"""

import os
import secrets
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


def content_version():
    if redis_url():
        return (_redis().get(redis_prefix() + "content-version") or b"0").decode()
    try:
        return (Path(settings.DATA_DIR) / VERSION_FILE).read_text()
    except FileNotFoundError:
        return "0"


def bump_content_version():
    if redis_url():
        _redis().incr(redis_prefix() + "content-version")
        return
    path = Path(settings.DATA_DIR) / VERSION_FILE
    temporary = path.with_name(f".{VERSION_FILE}.{os.getpid()}")
    temporary.write_text(secrets.token_hex(8))
    os.replace(temporary, path)
