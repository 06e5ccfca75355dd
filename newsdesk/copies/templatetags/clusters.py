"""{% also_reported_by page %}: other outlets' reports of the story an article tells."""

from django import template

from newsdesk.pagecache.dependencies import depends_on

from ..reports import report_tag, reports_of

register = template.Library()


@register.inclusion_tag("copies/also_reported.html")
def also_reported_by(page):
    """Other outlets' reports of the story's event; the page is purged when another one joins (clusters.py).

    A story from the wire lists the cluster of the item it was published
    from; one written here, its own (clusters.note_article).
    """
    depends_on(report_tag(page.pk))
    return {"reports": reports_of(page)}
