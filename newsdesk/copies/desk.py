"""What the wire desk and the story editor show of copies and clusters.

"copy of <story> (<source>)" on a copy's row, a story's copies, and one row
per cluster ("3 sources") that opens to its members.
"""

from dataclasses import dataclass

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
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


# A cluster's row lists this many members; a story every outlet told would list hundreds.
MAX_MEMBERS_LISTED = 20


def with_clusters(items):
    """Give each wire item its cluster's place on the desk page, in three queries for the whole page.

    The first item of a cluster on the page leads its row: `cluster_members`
    (the others, oldest first, each with its `original`), `cluster_sources`
    and `cluster_size`. Later members on the page get `in_cluster_row`, and
    the desk lists them in the leader's row instead of their own.
    """
    from newsdesk.wire.models import WireItem

    items = list(items)
    cluster_of = dict(Fingerprint.objects.filter(wire_item__in=[item.pk for item in items], cluster__isnull=False)
                      .values_list("wire_item_id", "cluster_id"))
    members, sizes = {}, {}
    if cluster_of:
        clusters = set(cluster_of.values())
        # The oldest members of each cluster, no more than a row lists: a
        # story every outlet told must not load hundreds of items per row.
        rows = (WireItem.objects.filter(fingerprint__cluster__in=clusters)
                .select_related("source", "article").defer("html", "text", "raw", "summary")
                .annotate(cluster_key=F("fingerprint__cluster_id"),
                          place=Window(RowNumber(), partition_by=F("fingerprint__cluster_id"),
                                       order_by=[F("fetched_at").asc(), F("pk").asc()]))
                .filter(place__lte=MAX_MEMBERS_LISTED + 1).order_by("fetched_at", "pk"))
        for member in rows:
            members.setdefault(member.cluster_key, []).append(member)
        sizes = {row["cluster_id"]: (row["size"], row["sources"]) for row in
                 Fingerprint.objects.filter(cluster__in=clusters, wire_item__isnull=False).values("cluster_id")
                 .annotate(size=Count("pk"), sources=Count("wire_item__source_id", distinct=True))}
    listed, led = [], set()
    for item in items:
        item.cluster_members, item.cluster_sources, item.cluster_size = [], 0, 0
        item.in_cluster_row = False
        cluster = cluster_of.get(item.pk)
        if cluster is None:
            continue
        if cluster in led:
            item.in_cluster_row = True
            continue
        led.add(cluster)
        group = members.get(cluster, [])
        item.cluster_members = [member for member in group if member.pk != item.pk][:MAX_MEMBERS_LISTED]
        item.cluster_size, item.cluster_sources = sizes.get(cluster, (len(group), len(group)))
        listed.extend(item.cluster_members)
    with_originals(listed)
    return items
