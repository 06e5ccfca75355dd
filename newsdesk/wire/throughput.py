"""The desk's throughput figures: items per second, what is waiting, and how late stories reach the desk.

The health view shows them overall and per source. Each figure answers one
operator's question: is the desk keeping up (items per second over the
last hour), is work piling up (sources overdue for a poll, items waiting
for an editor), and how stale is what editors see (the time from a story's
publication at its source to its arrival on the desk).
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone

from .models import Source, WireItem

RATE_WINDOW = timedelta(hours=1)
DELAY_WINDOW = timedelta(hours=24)
# Delays are read from the newest items of the last day, at most this many:
# enough for steady percentiles, and a bounded read however busy the desk.
MAX_DELAY_SAMPLES = 20_000


@dataclass
class Figures:
    """Throughput of the whole desk or of one source."""

    items_last_hour: int = 0
    waiting_new: int = 0
    waiting_held: int = 0
    delays: list | None = None  # seconds from publication to the desk, sorted

    @property
    def items_per_second(self):
        return self.items_last_hour / RATE_WINDOW.total_seconds()

    @property
    def waiting(self):
        return self.waiting_new + self.waiting_held

    @property
    def median_delay(self):
        return percentile(self.delays, 0.5)

    @property
    def slow_delay(self):
        """The delay nine items in ten beat."""
        return percentile(self.delays, 0.9)


@dataclass
class DeskThroughput:
    overall: Figures
    by_source: dict  # source id -> Figures
    sources_due: int  # enabled sources whose poll time has passed and that no poll holds
    oldest_due_seconds: float | None  # how late the most overdue of them is


def desk_throughput(now=None):
    """The desk's figures, overall and per source, as of `now`."""
    now = now or timezone.now()
    by_source = defaultdict(Figures)
    overall = Figures(delays=[])
    recent = WireItem.objects.filter(fetched_at__gte=now - RATE_WINDOW).values("source_id").annotate(n=Count("pk"))
    for row in recent:
        by_source[row["source_id"]].items_last_hour = row["n"]
        overall.items_last_hour += row["n"]
    waiting = (
        WireItem.objects.filter(status__in=[WireItem.Status.NEW, WireItem.Status.HELD])
        .values("source_id", "status")
        .annotate(n=Count("pk"))
    )
    for row in waiting:
        figures = by_source[row["source_id"]]
        if row["status"] == WireItem.Status.NEW:
            figures.waiting_new += row["n"]
            overall.waiting_new += row["n"]
        else:
            figures.waiting_held += row["n"]
            overall.waiting_held += row["n"]
    for source_id, seconds in publication_delays(now):
        figures = by_source[source_id]
        figures.delays = figures.delays or []
        figures.delays.append(seconds)
        overall.delays.append(seconds)
    for figures in [overall, *by_source.values()]:
        if figures.delays:
            figures.delays.sort()
    due = Source.objects.filter(enabled=True, next_poll_at__lte=now).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=now)
    )
    summary = due.aggregate(count=Count("pk"), oldest=Min("next_poll_at"))
    oldest = (now - summary["oldest"]).total_seconds() if summary["oldest"] else None
    return DeskThroughput(overall, dict(by_source), summary["count"], oldest)


def publication_delays(now):
    """(source id, seconds from publication to arrival) of the newest items that arrived in the last day.

    A publication time after the arrival (a source's clock ahead, a story
    dated in the future) counts as no delay rather than a negative one.
    """
    rows = (
        WireItem.objects.filter(fetched_at__gte=now - DELAY_WINDOW, published_at__isnull=False)
        .order_by("-fetched_at")
        .values_list("source_id", "published_at", "fetched_at")[:MAX_DELAY_SAMPLES]
    )
    for source_id, published, fetched in rows:
        yield source_id, max((fetched - published).total_seconds(), 0.0)


def percentile(ordered, fraction):
    """The value `fraction` of the way through `ordered` (nearest rank); None when empty."""
    if not ordered:
        return None
    rank = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[rank]


def duration(seconds):
    """A delay in words a desk reads at a glance: "40 s", "12 min", "3.5 h", "2.0 days"; "–" when unknown."""
    if seconds is None:
        return "–"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"
