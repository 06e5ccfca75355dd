"""Template tags for reader pages: bylines, ages, share links, Recent Posts."""

from functools import cache as memoize

from django import template
from django.core.cache import cache
from django.utils import timezone
from django.utils.html import format_html
from wagtail.images.models import Filter, Picture
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.models import Site

from newsdesk.branding.models import NewsroomSettings
from newsdesk.branding.share import share_links
from newsdesk.pagecache.dependencies import depends_on
from newsdesk.pagecache.invalidation import content_version

from ..ages import age_in_words
from ..excerpts import cut_excerpt
from ..models import HomePage, published_articles

register = template.Library()


@register.simple_tag
def age(when):
    """A <time> holding the age in words; ages.js keeps the words current."""
    if when is None:
        return ""
    return format_html(
        '<time class="age" datetime="{}" data-age>{}</time>', machine_time(when), age_in_words(when)
    )


@register.filter
def machine_time(when):
    """The value of a <time datetime>: ISO 8601 to the second, with its offset."""
    if when is None:
        return ""
    return timezone.localtime(when).isoformat(timespec="seconds")


@register.simple_tag
def story_picture(image, spec, **attrs):
    """Wagtail's {% picture %} for `spec` ("format-{webp,jpeg}|fill-{400x225,800x450}"), same markup.

    Wagtail's tag parses its filter specs again at every render, which costs
    more than the rest of a story card; here each spec is parsed once.
    """
    if not image:
        return ""
    return Picture(get_renditions_or_not_found(image, filters(spec)), attrs).__html__()


@memoize
def filters(spec):
    return tuple(Filter(spec=expanded) for expanded in Filter.expand_spec(spec))


@register.filter
def excerpt(markup, length=160):
    return cut_excerpt(markup, int(length))


@register.inclusion_tag("stories/includes/byline.html", takes_context=True)
def byline(context, article):
    home = site_home(context)
    request = context.get("request")
    return {
        "authors": [(author, author.get_url(request, home=home)) for author in article.authors],
        "published_at": article.published_at,
        "updated_at": article.updated_at,
    }


def site_home(context):
    """The site's home page, which answers the author and tag pages, from the masthead's context."""
    home = context.get("site_root")
    if home is None or not isinstance(home, HomePage):
        home = HomePage.objects.live().first()
    return home


@register.inclusion_tag("stories/includes/story_card.html", takes_context=True)
def story_card(context, story, show_section=True, heading_level=3, loading="lazy"):
    """`loading="eager"` for the first card of a listing: its image is often the largest thing in view."""
    return {
        "story": story,
        "loading": loading,
        "show_section": show_section,
        "heading_tag": f"h{heading_level}",
        "request": context.get("request"),
    }


def _newsroom(context):
    newsroom = context.get("newsroom")
    if newsroom is None:
        newsroom = NewsroomSettings.for_request(context["request"])
    return newsroom


@register.inclusion_tag("stories/includes/share.html", takes_context=True)
def share_block(context, article):
    newsroom = _newsroom(context)
    request = context.get("request")
    # Share the address the reader is on, so a site behind several names
    # shares the one its reader used.
    url = request.build_absolute_uri(article.get_url(request)) if request else article.get_full_url()
    return {
        "call_to_action": newsroom.share_call_to_action,
        "links": share_links(url, article.title, newsroom.share_networks),
        "url": url,
    }


# Recent Posts are kept this long at most; a new content version replaces them sooner.
RECENT_POSTS_LIFETIME = 3600


@register.inclusion_tag("stories/includes/recent_posts.html", takes_context=True)
def recent_posts(context, exclude=None):
    newsroom = _newsroom(context)
    depends_on("list:recent")
    request = context.get("request")
    site = Site.find_for_request(request)
    count = newsroom.recent_posts_count
    # The same list on every page of the site until something changes, and
    # its excerpts walk each story's body: made once per content version.
    # One story more than shown, so an article can leave itself out.
    key = f"newsdesk:recent-posts:{site.pk if site else 0}:{count}:{content_version()}"
    posts = cache.get_or_set(key, lambda: recent_post_list(site, request, count + 1), RECENT_POSTS_LIFETIME)
    posts = [post for post in posts if exclude is None or post["pk"] != exclude.pk][:count]
    depends_on(*(f"story:{post['pk']}" for post in posts))
    return {"stories": posts}


def recent_post_list(site, request, count):
    stories = published_articles().prefetch_related(None).select_related(None)
    if site is not None:
        stories = stories.in_site(site)
    return [
        {
            "pk": story.pk,
            "url": story.get_url(request),
            "title": story.title,
            "excerpt": story.excerpt(),
            "published_at": story.published_at,
        }
        for story in stories[:count]
    ]


@register.simple_tag(takes_context=True)
def tag_url(context, tag):
    home = site_home(context)
    if home is None:
        return ""
    return home.get_url(context.get("request")) + home.reverse_subpage("tag", kwargs={"slug": tag.slug})
