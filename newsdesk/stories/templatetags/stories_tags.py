"""Template tags for reader pages: bylines, ages, share links, Recent Posts."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from wagtail.models import Site

from newsdesk.branding.models import NewsroomSettings
from newsdesk.branding.share import share_links

from ..ages import age_in_words
from ..excerpts import cut_excerpt
from ..models import HomePage, published_articles, with_sections

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


@register.filter
def excerpt(markup, length=160):
    return cut_excerpt(markup, int(length))


@register.inclusion_tag("stories/includes/byline.html")
def byline(article):
    return {
        "authors": article.authors,
        "published_at": article.published_at,
        "updated_at": article.updated_at,
    }


@register.inclusion_tag("stories/includes/story_card.html", takes_context=True)
def story_card(context, story, show_section=True, heading_level=3):
    return {
        "story": story,
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


@register.inclusion_tag("stories/includes/recent_posts.html", takes_context=True)
def recent_posts(context, exclude=None):
    newsroom = _newsroom(context)
    stories = published_articles()
    site = Site.find_for_request(context.get("request"))
    if site is not None:
        stories = stories.in_site(site)
    if exclude is not None:
        stories = stories.exclude(pk=exclude.pk)
    return {"stories": with_sections(stories[: newsroom.recent_posts_count]), "request": context.get("request")}


@register.simple_tag(takes_context=True)
def tag_url(context, tag):
    home = HomePage.objects.live().first()
    if home is None:
        return ""
    return home.get_url(context.get("request")) + home.reverse_subpage("tag", kwargs={"slug": tag.slug})
