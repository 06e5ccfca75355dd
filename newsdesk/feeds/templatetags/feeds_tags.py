"""Feed autodiscovery: the <link rel="alternate"> tags a reader page carries in its head."""

from dataclasses import dataclass

from django import template

from newsdesk.branding.models import NewsroomSettings

from ..formats import FORMATS
from ..scopes import home_for_request, scopes_for_page

register = template.Library()


@dataclass(frozen=True)
class FeedLink:
    title: str
    media_type: str
    href: str


@register.simple_tag(takes_context=True)
def feed_links(context):
    """The site's feeds, then those of the section, author or tag the page is about.

    The site's come first because a feed reader that picks one link without
    asking takes the first, and the whole site is the safe guess.
    """
    request = context.get("request")
    if request is None:
        return []
    home = context.get("site_root")
    if home is None or not hasattr(home, "reverse_subpage"):
        home = home_for_request(request)
    if home is None:
        return []
    newsroom = context.get("newsroom") or NewsroomSettings.for_request(request)
    scopes = scopes_for_page(home, newsroom, context.get("page"), context.get("author"), context.get("tag"))
    return [
        FeedLink(
            f"{scope.title} ({feed_format.label})",
            feed_format.media_type,
            request.build_absolute_uri(scope.feed_path(filename)),
        )
        for scope in scopes
        for filename, feed_format in FORMATS.items()
    ]
