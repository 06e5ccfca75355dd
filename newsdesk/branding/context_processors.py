"""Masthead context: the newsroom settings and the section navigation."""

from wagtail.models import Site

from .models import NewsroomSettings


def masthead(request):
    site = Site.find_for_request(request)
    if site is None:
        return {}
    from newsdesk.stories.models import SectionPage

    sections = SectionPage.objects.live().in_site(site).order_by("path")
    return {
        "newsroom": NewsroomSettings.for_site(site),
        "nav_sections": sections,
        "site_root": site.root_page.specific if site.root_page_id else None,
    }
