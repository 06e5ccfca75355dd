"""Lookups every reader request repeats, remembered in the process until the content version changes.

Each reader request asks which Site answers its host, reads the newsroom
settings and checks the page's view restrictions: three queries that give
the same answer until an editor changes something, and that cost more than
a cached fragment of the page itself. They are remembered here, per process,
for one content version (newsdesk/pagecache/versions.py): any change an
editor makes gives a new version, and the next request asks the database
again.

The remembered objects are shared by the threads of a process; callers treat
them as read-only (newsroom settings are copied before a request is pinned to
them).
"""

import threading

from .versions import content_version

# Hosts, settings rows and the like: a handful per site. The bound only keeps
# a flood of made-up Host headers from growing the process.
MAX_ENTRIES = 512

_remembered = {}
_lock = threading.Lock()


def remembered(key, compute, version=None):
    """compute(), or what it returned for `key` earlier in the same content version."""
    version = content_version() if version is None else version
    found = _remembered.get(key)
    if found is not None and found[0] == version:
        return found[1]
    value = compute()
    with _lock:
        if len(_remembered) >= MAX_ENTRIES:
            _remembered.clear()
        _remembered[key] = (version, value)
    return value


def forget_all():
    with _lock:
        _remembered.clear()


def find_site(request):
    """Wagtail's Site.find_for_request, remembered per host and port; pins the Site to the request."""
    from django.http.request import split_domain_port
    from wagtail.models import Site
    from wagtail.models.sites import get_site_for_hostname

    if not hasattr(request, "_wagtail_site"):
        hostname = split_domain_port(request._get_raw_host())[0]
        port = request.get_port()

        def lookup():
            try:
                site = get_site_for_hostname(hostname, port)
            except Site.DoesNotExist:
                return None
            # Read the root page now, once, rather than on each request that routes through it.
            if site.root_page_id:
                site.root_page.specific  # noqa: B018
            return site

        request._wagtail_site = remembered(("site", hostname, port), lookup)
    return request._wagtail_site
