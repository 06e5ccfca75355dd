"""Background work of the page cache: purging a CDN or reverse proxy, sweeping expired pages."""

import logging
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django_tasks import task

from newsdesk import conf

logger = logging.getLogger(__name__)

PURGE_TIMEOUT = 10


def purge_with_http(location, urls):
    """Send an HTTP PURGE for each URL to the cache at `location` (Varnish, nginx, a CDN's purge API).

    The request goes to the cache's address with the page's path and its
    Host header, as those caches expect. Operators name these addresses
    themselves, so they may be private (the address guard is for the wire desk).
    """
    import httpx  # the worker's: web processes only queue purges

    target = urlsplit(location)
    failed = 0
    with httpx.Client(timeout=PURGE_TIMEOUT, trust_env=False) as client:
        for url in urls:
            page = urlsplit(url)
            address = urlunsplit((target.scheme, target.netloc, page.path or "/", page.query, ""))
            try:
                client.request("PURGE", address, headers={"Host": page.netloc})
            except httpx.HTTPError as error:
                failed += 1
                logger.warning("Could not purge %s at %s: %s", url, location, error)
    return failed


@task()
def purge_frontend(urls):
    """Purge `urls` from every CDN or reverse proxy configured; failures are logged, not retried."""
    for location in conf.get("NEWSDESK_CACHE_PURGE_URLS"):
        purge_with_http(location, urls)
    if getattr(settings, "WAGTAILFRONTENDCACHE", None):
        from wagtail.contrib.frontend_cache.utils import get_backends

        for name, backend in get_backends().items():
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
