"""Which requests the page cache may answer, and the key of each.

A request is cacheable when it is a GET or HEAD for a reader page, from
someone without a session (editors who are logged in always get a fresh
page), with no query parameters other than the ones reader pages read:
`page` on lists and `q` on the search page's first page. Tracking
parameters (utm_…, fbclid…) are left out of the key, so a burst of readers
arriving from a social network shares one cached page.

The key is computed from the WSGI environ, so the WSGI wrapper can answer a
hit before Django runs, and the middleware stores a miss under the same key.
"""

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

# Paths no reader page lives under.
PRIVATE_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/documents/",
    "/static/",
    "/media/",
    "/api/",
    "/demo-outlets/",
    "/healthz",
    "/readyz",
    "/metrics",
)
TRACKING_PARAMETER = re.compile(r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|ref_src)$")
PAGE_NUMBER = re.compile(r"^[1-9][0-9]{0,5}$")
SEARCH_PATH = "/search/"
LONGEST_QUERY = 200
# A host as a browser sends it: a name or an address, and a port.
HOST = re.compile(r"^[a-z0-9.\-]{1,253}(:[0-9]{1,5})?$|^\[[0-9a-f:.]{2,45}\](:[0-9]{1,5})?$")
LONGEST_PATH = 1000


@dataclass(frozen=True)
class PageKey:
    scheme: str
    host: str
    path: str
    query: str

    @property
    def digest(self):
        return hashlib.sha1(f"{self.scheme} {self.host} {self.path}?{self.query}".encode()).hexdigest()

    @property
    def url(self):
        return f"{self.scheme}://{self.host}{self.path}" + (f"?{self.query}" if self.query else "")


class KeyMaker:
    """Computes keys; built once per process from the settings."""

    def __init__(self, session_cookie="sessionid", behind_tls_proxy=False):
        self.session_marker = session_cookie + "="
        self.behind_tls_proxy = behind_tls_proxy

    def __call__(self, environ):
        """The request's PageKey, or None when the cache must not answer it."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        raw_path = environ.get("PATH_INFO") or "/"
        if raw_path.startswith(PRIVATE_PREFIXES) or len(raw_path) > LONGEST_PATH:
            return None
        if self.session_marker in environ.get("HTTP_COOKIE", ""):
            return None
        try:
            # WSGI gives the path as bytes decoded as latin-1; pages are UTF-8.
            path = raw_path.encode("latin-1").decode("utf-8")
        except UnicodeError:
            return None
        if "//" in path or "/." in path or "\x00" in path or not path.startswith("/"):
            return None
        query = self.query(path, environ.get("QUERY_STRING", ""))
        if query is None:
            return None
        host = environ.get("HTTP_HOST", "").lower()
        if not HOST.match(host):
            return None
        return PageKey(self.scheme(environ), host, path, query)

    def scheme(self, environ):
        if self.behind_tls_proxy:
            return "https" if environ.get("HTTP_X_FORWARDED_PROTO", "").lower() == "https" else "http"
        return environ.get("wsgi.url_scheme", "http")

    def query(self, path, query_string):
        """The query the key keeps (a normalised string), or None when it makes the page uncacheable."""
        if not query_string:
            return ""
        if len(query_string) > LONGEST_QUERY * 2:
            return None
        kept = []
        for name, value in parse_qsl(query_string, keep_blank_values=True):
            if TRACKING_PARAMETER.match(name):
                continue
            if name == "page" and PAGE_NUMBER.match(value):
                kept.append((name, value))
            elif name == "q" and path == SEARCH_PATH and len(value) <= LONGEST_QUERY:
                kept.append((name, value.strip()))
            else:
                return None
        names = [name for name, _ in kept]
        if len(set(names)) != len(names):
            return None
        if path == SEARCH_PATH and dict(kept).get("page", "1") != "1":
            return None  # only the first page of results is cached
        return urlencode(sorted(kept))


def key_maker_from_settings():
    from django.conf import settings

    return KeyMaker(
        session_cookie=settings.SESSION_COOKIE_NAME,
        behind_tls_proxy=getattr(settings, "SECURE_PROXY_SSL_HEADER", None) is not None,
    )
