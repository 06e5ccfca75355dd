"""{% also_reported_by page %}: other outlets' reports of the story an article was published from."""

from django import template

from newsdesk.pagecache.dependencies import depends_on

from ..reports import report_tag, reports_of

register = template.Library()


@register.inclusion_tag("copies/also_reported.html")
def also_reported_by(page):
    """The list under a story from the wire; the page is purged when another outlet's report joins (clusters.py).

    Only stories published from the wire (they credit a source) can be in a
    cluster, so our own stories cost no query.
    """
    depends_on(report_tag(page.pk))
    return {"reports": reports_of(page) if page.source_url else []}
