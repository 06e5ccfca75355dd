"""Parts of a page kept in Django's cache, so a page the page cache does not hold is quick to render again.

A fragment is one object's markup (a story's body and byline, the head tags
of one address, a list block) rendered once per content version and kept in
the default cache: the process's memory on one machine, Redis when
configured, shared by every process then. The page cache answers most
readers; fragments are for the rest: a page it has not stored yet, a page it
dropped, and an editor's own view of the site.

A fragment remembers the dependencies (newsdesk/pagecache/dependencies.py)
recorded while it rendered, and hands them on each time it is reused: the
page holding it is tagged as if it had loaded the objects itself.

Previews never use fragments: they show a draft, not what is stored.
"""

import hashlib

from django.core.cache import cache

from .dependencies import ANY_STORY, collecting, depends_on, depends_on_every_story
from .versions import content_version

# As long as the page cache keeps a page: fragments hold ages ("7 hours
# ago") that ages.js corrects in the browser, and readers without scripts
# see them at most this old.
LIFETIME = 600


def fragment_key(request, name, vary):
    where = (request.scheme, request.get_host(), tuple(str(part) for part in vary))
    digest = hashlib.blake2b(repr(where).encode(), digest_size=16).hexdigest()
    return f"newsdesk:fragment:{name}:{digest}:{content_version()}"


def cached_fragment(request, name, vary, render):
    """The markup `render()` returns, kept per (name, vary, host) for one content version."""
    if request is None or getattr(request, "is_preview", False):
        return render()
    key = fragment_key(request, name, vary)
    found = cache.get(key)
    if found is None:
        with collecting() as dependencies:
            markup = render()
        found = (markup, tuple(dependencies.tags))
        cache.set(key, found, LIFETIME)
    markup, tags = found
    if ANY_STORY in tags:
        depends_on_every_story()
    depends_on(*tags)
    return markup
