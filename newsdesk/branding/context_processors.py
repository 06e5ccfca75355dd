"""Masthead context: the newsroom settings and the section navigation."""

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from newsdesk.pagecache.dependencies import depends_on
from newsdesk.pagecache.invalidation import content_version

from .models import NewsroomSettings

# The navigation is kept this long at most; a new content version replaces it sooner.
NAV_LIFETIME = 3600


@dataclass(frozen=True)
class NavSection:
    pk: int
    title: str
    url: str


def masthead(request):
    site = Site.find_for_request(request)
    if site is None:
        return {}
    return {
        # Lazy, and cached on the request: admin pages never read them, and
        # reader pages read them from several templates.
        "newsroom": SimpleLazyObject(lambda: NewsroomSettings.for_request(request)),
        "nav_sections": SimpleLazyObject(lambda: nav_sections(request, site)),
        "site_root": SimpleLazyObject(lambda: site.root_page.specific) if site.root_page_id else None,
    }


def nav_sections(request, site):
    """The site's live sections, in tree order: the same on every page until one changes."""
    from newsdesk.stories.models import SectionPage

    key = f"newsdesk:nav-sections:{site.pk}:{content_version()}"
    sections = cache.get(key)
    if sections is None:
        sections = [
            NavSection(section.pk, section.title, section.get_url(request))
            for section in SectionPage.objects.live().in_site(site).order_by("path")
        ]
        cache.set(key, sections, NAV_LIFETIME)
    # Read from the cache, the sections are not loaded, so the page says itself
    # that it shows them, as loading them would have.
    depends_on(*(f"section:{section.pk}" for section in sections))
    return sections
