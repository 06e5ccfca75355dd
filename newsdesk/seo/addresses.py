"""Absolute addresses: every URL this app hands to crawlers names its scheme and host.

The host is the one the request came in on, as the share links do: Django's
ALLOWED_HOSTS limits it to names the site answers to, and behind a TLS proxy
(NEWSDESK_BEHIND_TLS_PROXY) the scheme is https. So a sitemap, a canonical
link and a shared link always name the same address.
"""

from urllib.parse import urlsplit


def origin(request):
    """"https://news.example.org" for the current request."""
    return f"{request.scheme}://{request.get_host()}"


def absolute_url(request, url):
    """`url` with scheme and host; URLs that already have them pass through."""
    if not url:
        return None
    if urlsplit(url).scheme:
        return url
    if url.startswith("//"):
        return f"{request.scheme}:{url}"
    return origin(request) + (url if url.startswith("/") else "/" + url)


def page_url(page, request):
    """The page's absolute URL, or None when it has none (an unsaved preview)."""
    return absolute_url(request, page.get_url(request))
