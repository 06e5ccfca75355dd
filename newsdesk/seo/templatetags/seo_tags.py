"""The {% seo_head %} tag behind seo/head.html."""

from django import template

from ..head import head_tags

register = template.Library()


@register.simple_tag(takes_context=True)
def seo_head(context):
    """Canonical link, Open Graph, Twitter and JSON-LD for the page in `context` (or None)."""
    return head_tags(context)
