"""The outbound layer configured from the newsdesk settings: the one Django-aware module here.

``make_fetcher()`` builds a new ``Fetcher``; ``shared_fetcher()`` hands out one
per process, so robots.txt answers and per-host pacing last from one poll to
the next instead of starting afresh with every task.
"""

import os
import threading

from django.conf import settings

from newsdesk import __version__, conf

from .fetcher import Fetcher
from .guard import AddressGuard
from .pacing import HostPacing
from .shared_pacing import FileHostLimits, RedisHostLimits, SharedPacing

_shared_lock = threading.Lock()
_shared = None  # (key, fetcher)


def _forget_shared_fetcher():
    # A forked child must not wait on a lock some parent thread held at the
    # fork, nor use the parent's connections.
    global _shared_lock, _shared
    _shared_lock = threading.Lock()
    _shared = None


os.register_at_fork(after_in_child=_forget_shared_fetcher)


def user_agent():
    """The wire desk's User-Agent: the setting, else "newsdesk/<version> (+<base URL>)"."""
    return conf.get("NEWSDESK_FETCH_USER_AGENT") or f"newsdesk/{__version__} (+{settings.WAGTAILADMIN_BASE_URL})"


def address_guard():
    """The guard every outbound request passes: public addresses, plus what the settings allow."""
    return AddressGuard(conf.get("NEWSDESK_FETCH_ALLOWED_NETWORKS"), conf.get("NEWSDESK_FETCH_ALLOWED_ADDRESSES"))


def _fetcher_arguments():
    return {
        "user_agent": user_agent(),
        "timeout": conf.get("NEWSDESK_FETCH_TIMEOUT"),
        "max_bytes": conf.get("NEWSDESK_FETCH_MAX_BYTES"),
        "allowed_networks": conf.get("NEWSDESK_FETCH_ALLOWED_NETWORKS"),
        "allowed_addresses": conf.get("NEWSDESK_FETCH_ALLOWED_ADDRESSES"),
        "per_host_concurrency": conf.get("NEWSDESK_FETCH_PER_HOST_CONCURRENCY"),
        "per_host_delay": conf.get("NEWSDESK_FETCH_PER_HOST_DELAY"),
    }


def shared_limits_backend():
    """Where the per-host limits are shared: "redis", "files" or "off" (NEWSDESK_FETCH_SHARED_LIMITS)."""
    chosen = conf.get("NEWSDESK_FETCH_SHARED_LIMITS")
    if chosen == "auto":
        return "redis" if getattr(settings, "NEWSDESK_REDIS_URL", "") else "files"
    if chosen not in {"redis", "files", "off"}:
        raise ValueError(f"NEWSDESK_FETCH_SHARED_LIMITS must be auto, redis, files or off, not {chosen!r}")
    return chosen


def host_pacing(arguments):
    """The per-host limits for a fetcher built from `arguments`, shared with other processes unless "off"."""
    local = HostPacing(arguments["per_host_concurrency"])
    backend = shared_limits_backend()
    if backend == "off":
        return local
    if backend == "redis":
        shared = RedisHostLimits(settings.NEWSDESK_REDIS_URL, local.per_host_concurrency, arguments["timeout"])
    else:
        shared = FileHostLimits(settings.DATA_DIR / "host-limits", local.per_host_concurrency)
    return SharedPacing(local, shared)


def make_fetcher():
    """A new Fetcher configured from the newsdesk settings; the caller closes it."""
    arguments = _fetcher_arguments()
    return Fetcher(**arguments, pacing=host_pacing(arguments))


def shared_fetcher():
    """This process's Fetcher, built on first use; safe to share between threads.

    It is rebuilt in a forked child (the parent's locks and connections are
    not the child's to use) and when the settings it was built from change,
    so tests overriding them get a fetcher that follows. Closing it only
    drops its pooled connections; it stays usable.
    """
    global _shared
    arguments = _fetcher_arguments()
    key = (os.getpid(), repr(sorted(arguments.items())), shared_limits_backend())
    with _shared_lock:
        if _shared is None or _shared[0] != key:
            if _shared is not None and _shared[0][0] == key[0]:
                _shared[1].close()  # settings changed; it stays usable by whoever still holds it
            _shared = (key, Fetcher(**arguments, pacing=host_pacing(arguments)))
        return _shared[1]
