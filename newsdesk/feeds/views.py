"""The feed view: one for every scope and format, answering conditional GETs."""

from django.http import HttpResponse
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from newsdesk.pagecache.dependencies import depends_on

from .entries import build_feed
from .formats import FORMATS
from .scopes import find_scope


@require_safe
def feed(request, kind, filename, slug=None):
    """The feed of the site, or of the section, author or tag `slug`, in the format `filename`."""
    scope = find_scope(request, kind, slug)
    depends_on("list:site" if scope.subject is None else f"list:{scope.kind}:{scope.subject.pk}")
    feed_format = FORMATS[filename]
    feed = build_feed(request, scope, filename)
    response = HttpResponse(feed_format.render(feed), content_type=feed_format.content_type)
    # The ETag is a hash of the feed itself, as ConditionalGetMiddleware does,
    # so it changes with anything that changes the feed: a story edited,
    # unpublished or retagged, an author renamed, the site renamed. The
    # Last-Modified time is the latest story update; it cannot see a removal,
    # which is why a client that sends both is judged by the ETag alone.
    set_response_etag(response)
    last_modified = int(feed.updated.timestamp())
    response.headers["Last-Modified"] = http_date(last_modified)
    return get_conditional_response(
        request, etag=response.headers["ETag"], last_modified=last_modified, response=response
    )
