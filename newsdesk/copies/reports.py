"""What is read of clusters: "Also reported by", the purge when an outlet joins, a cluster's published story.

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
    from newsdesk.wire.models import WireItem

    cluster_id = Fingerprint.objects.filter(wire_item=item).values_list("cluster_id", flat=True).first()
    if cluster_id is None:
        return None
    return (WireItem.objects.filter(fingerprint__cluster_id=cluster_id, article__live=True)
            .exclude(pk=item.pk).select_related("source").order_by("fetched_at", "pk").first())
