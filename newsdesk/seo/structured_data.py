"""schema.org JSON-LD: NewsArticle, BreadcrumbList and WebSite, serialised for a <script>."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.safestring import mark_safe

from newsdesk.branding.icons import LOGO_SIZE, SQUARE_LOGO_PATH

from .addresses import absolute_url, origin
from .images import LOGO_SPEC, MIN_LOGO_SIDE, STRUCTURED_DATA_SPECS

CONTEXT = "https://schema.org"

# Inside <script> the HTML parser looks for "</script" and "<!--" whatever the
# JSON means, so "<" and ">" must never appear literally; "&" goes too, for
# pages served as XHTML. JSON reads the \u escapes back as the same text.
SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def script_json(data):
    """`data` as JSON that can sit inside <script type="application/ld+json">."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(SCRIPT_ESCAPES))


def iso_datetime(value):
    """ISO 8601 to the second, with the time zone: 2026-11-27T09:30:00+00:00."""
    return timezone.localtime(value).isoformat(timespec="seconds")


def organization(newsroom, request):
    return {
        "@type": "Organization",
        "name": newsroom.site_name,
        "url": origin(request) + "/",
        "logo": publisher_logo(newsroom, request),
    }


def publisher_logo(newsroom, request):
    """The uploaded logo when search engines can use it, else the site's square icon.

    Google reads no news publisher without a logo, and wants it MIN_LOGO_SIDE
    or more on both sides: a wide banner logo falls short in height, and a
    site without one has nothing. Both get the square drawn from the logo,
    or from the site's initial (newsdesk/branding/icons.py).
    """
    if newsroom.logo_id:
        rendition = newsroom.logo.get_rendition(LOGO_SPEC)
        if min(rendition.width, rendition.height) >= MIN_LOGO_SIDE:
            return {
                "@type": "ImageObject",
                "url": absolute_url(request, rendition.url),
                "width": rendition.width,
                "height": rendition.height,
            }
    return {
        "@type": "ImageObject",
        "url": absolute_url(request, SQUARE_LOGO_PATH),
        "width": LOGO_SIZE,
        "height": LOGO_SIZE,
    }


def person(name, url):
    data = {"@type": "Person", "name": name}
    if url:
        data["url"] = url
    return data


def news_article(story, request, newsroom):
    """The NewsArticle for a story (StoryFacts)."""
    article = story.article
    data = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.search_description or article.standfirst or article.excerpt(),
        "datePublished": iso_datetime(story.published),
        "dateModified": iso_datetime(story.modified),
        "mainEntityOfPage": {"@type": "WebPage", "@id": story.url},
        "url": story.url,
        "inLanguage": "en",
        "author": [person(name, url) for name, url in story.authors],
        "publisher": organization(newsroom, request),
        "copyrightYear": timezone.localtime(story.published).year,
        "copyrightHolder": {
            "@type": "Organization",
            "name": newsroom.copyright_holder or newsroom.site_name,
        },
    }
    images = [
        absolute_url(request, story.renditions[spec].url)
        for spec in STRUCTURED_DATA_SPECS
        if spec in story.renditions
    ]
    if images:
        data["image"] = images
    if article.section is not None:
        data["articleSection"] = article.section.title
    if story.tag_names:
        data["keywords"] = story.tag_names
    if article.source_name:
        # The original, credited to its outlet; a NewsArticle since that is
        # what a wire story is where it first ran.
        original = {
            "@type": "NewsArticle",
            "publisher": {"@type": "Organization", "name": article.source_name},
        }
        if article.source_url:
            original["url"] = article.source_url
        data["isBasedOn"] = original
    return data


def breadcrumbs(trail):
    """A BreadcrumbList of (name, url) pairs, the site's home first."""
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, 1)
        ],
    }


def website(newsroom, request):
    """The WebSite with its search box, for the home page."""
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": newsroom.site_name,
        "url": origin(request) + "/",
        "publisher": organization(newsroom, request),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": f"{origin(request)}/search/?q={{search_term_string}}",
            },
            "query-input": "required name=search_term_string",
        },
    }
