"""Retention: the wire desk's history (poll log, earlier item versions) is kept for a set number of days.

Both grow with every poll, forever, unless pruned: a desk polling 200
sources every 15 minutes logs 19,200 polls a day. The periodic job
"prune-wire-history" (tasks.prune_history) deletes what is older than
NEWSDESK_KEEP_POLLS_DAYS and NEWSDESK_KEEP_VERSIONS_DAYS.
"""

from datetime import timedelta

from django.utils import timezone

from newsdesk import conf

from .models import Poll, WireItemVersion

# Rows deleted per statement: a short write each, so the web server and
# the pollers are never kept waiting behind one long delete (on SQLite a
# delete holds the only write lock while it runs).
DELETE_BATCH = 2_000


def prune_history(now=None):
    """Delete polls and item versions past their retention; return how many of each went."""
    now = now or timezone.now()
    return {
        "polls": prune(Poll.objects.all(), "started_at", conf.get("NEWSDESK_KEEP_POLLS_DAYS"), now),
        "versions": prune(WireItemVersion.objects.all(), "replaced_at", conf.get("NEWSDESK_KEEP_VERSIONS_DAYS"), now),
    }


def prune(rows, date_field, keep_days, now):
    """Delete `rows` whose `date_field` is more than `keep_days` old, in batches; 0 days keeps all."""
    if not keep_days:
        return 0
    old = rows.filter(**{f"{date_field}__lt": now - timedelta(days=keep_days)})
    deleted = 0
    while True:
        batch = list(old.values_list("pk", flat=True)[:DELETE_BATCH])
        if not batch:
            return deleted
        count, _ = rows.model.objects.filter(pk__in=batch).delete()
        deleted += count
