"""What the wire desk and the story editor show of copies: "copy of <story> (<source>)" and a story's copies."""

from dataclasses import dataclass

from django.urls import reverse

from .models import Fingerprint


@dataclass(frozen=True)
class Original:
    """The story an item copies, as the desk names and links it."""

    title: str
    source: str
    url: str


def describe(fingerprint):
    if fingerprint.wire_item_id:
        item = fingerprint.wire_item
        return Original(item.title, item.source.name, reverse("wire:preview", args=[item.pk]))
    article = fingerprint.article
    source = article.source_name or (article.get_site().site_name if article.get_site() else "") or "our site"
    return Original(article.title, source, reverse("wagtailadmin_pages:edit", args=[article.pk]))


def with_originals(items):
    """Give each wire item `original`: the Original it copies, or None. One query for the whole page."""
    fingerprints = Fingerprint.objects.filter(wire_item__in=[item.pk for item in items], copy_of__isnull=False)
    links = fingerprints.select_related("copy_of__wire_item__source", "copy_of__article")
    by_item = {fingerprint.wire_item_id: fingerprint.copy_of for fingerprint in links}
    for item in items:
        original = by_item.get(item.pk)
        item.original = describe(original) if original is not None else None
    return items
