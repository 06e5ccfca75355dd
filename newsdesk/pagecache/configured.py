"""The page cache as the settings configure it, built once per process."""

import hashlib
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed

from newsdesk import conf

from .keys import KeyMaker


@dataclass
class Policy:
    store: object  # a FileStore, a RedisStore, or None when the cache is off
    keys: KeyMaker
    lifetime: int
    max_bytes: int
    cache_control: str


_policy = None


def redis_url():
    return getattr(settings, "NEWSDESK_REDIS_URL", "") or ""


def redis_prefix():
    """Keys of this site in a Redis that several sites may share."""
    return "newsdesk:" + hashlib.sha256(settings.SECRET_KEY.encode()).hexdigest()[:12] + ":"


def store_kind():
    kind = conf.get("NEWSDESK_PAGE_CACHE")
    if kind == "auto":
        return "redis" if redis_url() else "disk"
    return kind


def cache_directory():
    return conf.get("NEWSDESK_PAGE_CACHE_DIR") or os.path.join(settings.DATA_DIR, "pages")


def build_store():
    kind = store_kind()
    if kind == "off":
        return None
    if kind == "redis":
        from .stores import RedisStore

        return RedisStore(redis_url(), prefix=redis_prefix() + "pages:")
    if kind == "disk":
        from .stores import FileStore

        return FileStore(cache_directory())
    raise ValueError(f"NEWSDESK_PAGE_CACHE is {kind!r}: use auto, disk, redis or off.")


def public_cache_control():
    """For readers' pages: browsers revalidate every time (a 304 is cheap), shared caches keep them."""
    lifetime = conf.get("NEWSDESK_PAGE_CACHE_LIFETIME")
    return (
        f"public, max-age=0, s-maxage={lifetime}, "
        f"stale-while-revalidate={conf.get('NEWSDESK_STALE_WHILE_REVALIDATE')}, "
        f"stale-if-error={conf.get('NEWSDESK_STALE_IF_ERROR')}"
    )


def policy():
    global _policy
    if _policy is None:
        from .keys import key_maker_from_settings

        _policy = Policy(
            store=build_store(),
            keys=key_maker_from_settings(),
            lifetime=conf.get("NEWSDESK_PAGE_CACHE_LIFETIME"),
            max_bytes=conf.get("NEWSDESK_PAGE_CACHE_MAX_BYTES"),
            cache_control=public_cache_control(),
        )
    return _policy


def reset(**kwargs):
    global _policy
    _policy = None


setting_changed.connect(reset, dispatch_uid="pagecache-reset")
