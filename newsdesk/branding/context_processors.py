"""Masthead context: the newsroom settings and the section navigation."""

from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from .models import NewsroomSettings


def masthead(request):
    site = Site.find_for_request(request)
    if site is None:
        return {}
    from newsdesk.stories.models import SectionPage

    sections = SectionPage.objects.live().in_site(site).order_by("path")
    return {
        # Lazy, and cached on the request: admin pages never read it, and
        # reader pages read it from several templates.
        "newsroom": SimpleLazyObject(lambda: NewsroomSettings.for_request(request)),
        "nav_sections": sections,
        "site_root": SimpleLazyObject(lambda: site.root_page.specific) if site.root_page_id else None,
    }
