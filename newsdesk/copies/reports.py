"""What is read of clusters: "Also reported by", the purge when an outlet joins, published and waiting reports.

Apart from clusters.py, which scores stories with numpy and the encoders:
reader processes and the publishing rules read clusters and never need those.
"""

from .models import Fingerprint

# "Also reported by" names at most this many outlets.
MAX_REPORTS = 20


def purge_reports(cluster):
    """Purge the pages of our stories from this cluster: their "Also reported by" lists a new outlet."""
    from newsdesk.pagecache.invalidation import purge_tags
    from newsdesk.wire.models import WireItem

    articles = WireItem.objects.filter(fingerprint__cluster=cluster, article__isnull=False)
    tags = [report_tag(pk) for pk in articles.values_list("article_id", flat=True)]
    if tags:
        purge_tags(*tags)


def report_tag(article_id):
    """The page-cache dependency of an article's "Also reported by" list."""
    return f"reports:{article_id}"


def reports_of(article):
    """Other outlets' stories in the cluster of the wire item `article` was published from, one per outlet."""
    from newsdesk.wire.models import WireItem

    items = (WireItem.objects.filter(fingerprint__cluster__members__wire_item__article_id=article.pk)
             .exclude(article_id=article.pk).exclude(source__name=article.source_name)
             .select_related("source").only("title", "url", "published_at", "fetched_at", "source__name")
             .order_by("fetched_at", "pk")[:MAX_REPORTS * 3])
    reports, outlets = [], set()
    for item in items:
        if item.source.name not in outlets and len(reports) < MAX_REPORTS:
            outlets.add(item.source.name)
            reports.append(item)
    return reports


def published_report(item):
    """Another story of `item`'s cluster already published on our site (the earliest), or None."""
    cluster_id = cluster_of(item.pk)
    if cluster_id is None:
        return None
    return live_report(cluster_id, exclude=item.pk)


def cluster_of(item_id):
    """The id of the cluster wire item `item_id` belongs to, or None when it tells a story alone."""
    return Fingerprint.objects.filter(wire_item_id=item_id).values_list("cluster_id", flat=True).first()


def live_report(cluster_id, exclude=None):
    """The cluster's earliest wire item live on our site (other than `exclude`), with its source; or None."""
    from newsdesk.wire.models import WireItem

    return (WireItem.objects.filter(fingerprint__cluster_id=cluster_id, article__live=True)
            .exclude(pk=exclude).select_related("source").order_by("fetched_at", "pk").first())


def waiting_reports(cluster_id):
    """The cluster's new wire items a "best report" rule is waiting on, oldest first, with their sources."""
    from newsdesk.wire.models import WireItem

    return list(WireItem.objects.filter(fingerprint__cluster_id=cluster_id, status=WireItem.Status.NEW,
                                        decide_at__isnull=False)
                .select_related("source").order_by("fetched_at", "pk"))


def copies_among(item_ids):
    """Which of these wire items copy another outlet's story (copy detection, linking.py): a set of ids."""
    return set(Fingerprint.objects.filter(wire_item_id__in=list(item_ids), copy_of__isnull=False)
               .values_list("wire_item_id", flat=True))
