"""Background work of the page cache: purging a CDN or reverse proxy, sweeping expired pages."""

import logging

from django_tasks import task

from newsdesk import conf

logger = logging.getLogger(__name__)


def frontend_cache_config():
    """Wagtail's frontend cache backends for the purge targets in NEWSDESK_CACHE_PURGE_URLS."""
    from django.conf import settings

    configured = getattr(settings, "WAGTAILFRONTENDCACHE", None)
    if configured:
        return configured
    return {
        f"target{number}": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": location,
        }
        for number, location in enumerate(conf.get("NEWSDESK_CACHE_PURGE_URLS"), 1)
    }


@task()
def purge_frontend(urls):
    """Purge `urls` from every CDN or reverse proxy configured (a failure is logged, not retried)."""
    from wagtail.contrib.frontend_cache.utils import get_backends

    for name, backend in get_backends(backend_settings=frontend_cache_config()).items():
        try:
            backend.purge_batch(urls)
        except Exception:
            logger.exception("Could not purge %d URLs from %s", len(urls), name)
    return len(urls)


@task()
def sweep_pages():
    """Remove cached pages past their lifetime (a web server in front would keep serving them)."""
    from .configured import policy

    store = policy().store
    return store.sweep() if store is not None else 0
