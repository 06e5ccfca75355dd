"""Prometheus metrics: what the site answers, how the page cache does, the wire desk and the task queue.

Two kinds, kept apart because they add up differently across processes:

- Counted where they happen: responses by status, page-cache outcomes, how
  long tasks waited and ran. Each web or worker process counts its own;
  with PROMETHEUS_MULTIPROC_DIR set (the same folder for every process of
  the machine) prometheus_client writes them to files there and a scrape
  adds them up, so any web process answers for all of them. Without it a
  scrape shows only the process that answered it.
- Read from the database at scrape time: wire items by status, sources by
  state, the queue's depth and its oldest waiting task. They are the same
  whichever process answers, and need nothing shared.

Nothing is counted unless NEWSDESK_METRICS is on: the middleware skips
counting, the page cache gets no hit hook at all, and this module (with
prometheus_client) is not even imported (newsdesk.operations.switch).
"""

import logging
import os
from datetime import timezone as dt_timezone

from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST

# registry=None: each scrape builds its own registry (below), so that the
# multi-process collector and these objects are never both asked.
# One counter, one increment per request: a page-cache hit pays for a single
# increment, and both the status counts and the hit rate are sums of it.
REQUESTS = Counter(
    "newsdesk_http_requests",
    "Responses the site gave, by status code and page-cache outcome: hit (answered from the cache), "
    "miss (rendered and stored), bypass (a reader page rendered and not stored), none (not a reader "
    "page: admin, API, files). Probes and scrapes are left out.",
    ["status", "cache"], registry=None,
)
CACHE_OUTCOMES = ("hit", "miss", "bypass")
# Tasks run from milliseconds (publishing one story) to minutes (a slow
# source, retraining the section model): buckets spread over that range.
TASK_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900)
TASK_WAIT = Histogram(
    "newsdesk_task_wait_seconds", "Time from a task being due to a worker starting it.",
    ["task"], buckets=TASK_BUCKETS, registry=None,
)
TASK_RUN = Histogram(
    "newsdesk_task_run_seconds", "Time a task ran, by task and outcome.",
    ["task", "status"], buckets=TASK_BUCKETS, registry=None,
)
COUNTED = (REQUESTS, TASK_WAIT, TASK_RUN)


# Counting ------------------------------------------------------------------


def count_response(response):
    """Count a response Django gave (the page cache's misses and bypasses among them)."""
    outcome = response.headers.get("X-Page-Cache")
    REQUESTS.labels(str(response.status_code), outcome if outcome in CACHE_OUTCOMES else "none").inc()


def hit_counter():
    """The page cache's hit hook, for switch.hit_counter() when metrics are on.

    The labelled counters are looked up once: a hit then costs one
    increment under prometheus_client's own lock and nothing else.
    """
    by_status = {200: REQUESTS.labels("200", "hit"), 304: REQUESTS.labels("304", "hit")}

    def count_hit(status):
        counter = by_status.get(status)
        if counter is None:
            counter = by_status[status] = REQUESTS.labels(str(status), "hit")
        counter.inc()

    return count_hit


def task_started(sender, task_result, **kwargs):
    if task_result.started_at is None:
        return
    due = task_result.enqueued_at
    run_after = getattr(task_result.task, "run_after", None)
    if run_after is not None and due is not None and run_after > due:
        due = run_after  # a task asked to wait was not late while it waited
    if due is not None:
        wait = (task_result.started_at - due).total_seconds()
        TASK_WAIT.labels(task_result.task.module_path).observe(max(wait, 0.0))


def task_finished(sender, task_result, **kwargs):
    if task_result.started_at is None or task_result.finished_at is None:
        return
    run = (task_result.finished_at - task_result.started_at).total_seconds()
    status = getattr(task_result.status, "name", str(task_result.status)).lower()
    TASK_RUN.labels(task_result.task.module_path, status).observe(max(run, 0.0))



# Read at scrape time ---------------------------------------------------------


class DatabaseCollector:
    """Gauges read from the database when Prometheus asks: a few counting queries per scrape."""

    def collect(self):
        up = GaugeMetricFamily(
            "newsdesk_metrics_database_up", "1 when the gauges read from the database could be read."
        )
        try:
            families = [wire_items(), wire_sources(), *task_queue()]
        except Exception:
            logger.exception("Metrics: the database gauges could not be read")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families


def wire_items():
    from django.db.models import Count

    from newsdesk.wire.models import WireItem

    family = GaugeMetricFamily("newsdesk_wire_items", "Wire items stored, by status.", labels=["status"])
    counts = dict(WireItem.objects.order_by().values_list("status").annotate(n=Count("pk")))
    for status in WireItem.Status.values:
        family.add_metric([status], counts.get(status, 0))
    return family


def wire_sources():
    from newsdesk.wire.models import Source

    family = GaugeMetricFamily(
        "newsdesk_wire_sources", "Wire sources: ok, failing (their last poll failed), disabled.", labels=["state"]
    )
    enabled_sources = Source.objects.filter(enabled=True)
    failing = enabled_sources.filter(consecutive_failures__gt=0).count()
    family.add_metric(["ok"], enabled_sources.count() - failing)
    family.add_metric(["failing"], failing)
    family.add_metric(["disabled"], Source.objects.filter(enabled=False).count())
    return family


def task_queue():
    """Depth of the task queue and the age of its oldest task that is due, by backend."""
    from django_tasks import task_backends

    backend = task_backends["default"]
    measure = QUEUE_MEASURES.get(f"{type(backend).__module__}.{type(backend).__name__}")
    if measure is None:
        return []
    depth, oldest_due = measure(backend)
    depth_family = GaugeMetricFamily("newsdesk_task_queue_depth", "Tasks due and waiting for a worker.")
    depth_family.add_metric([], depth)
    age_family = GaugeMetricFamily(
        "newsdesk_task_queue_oldest_seconds", "How long the oldest due task has waited (0 when none waits)."
    )
    age = (timezone.now() - oldest_due).total_seconds() if oldest_due else 0.0
    age_family.add_metric([], max(age, 0.0))
    return [depth_family, age_family]


def database_queue(backend):
    from django_tasks_db.models import DBTaskResult, get_date_max

    due = DBTaskResult.objects.ready()
    first = due.order_by("enqueued_at").values("enqueued_at", "run_after").first()
    oldest = None
    if first is not None:
        oldest = first["enqueued_at"]
        if first["run_after"] != get_date_max() and first["run_after"] > oldest:
            oldest = first["run_after"]
    return due.count(), oldest


def rq_queue(backend):
    import django_rq

    depth, oldest = 0, None
    for name in sorted(backend.queues):
        queue = django_rq.get_queue(name)
        depth += queue.count
        jobs = queue.get_jobs(0, 1)
        if jobs and jobs[0].enqueued_at is not None:
            enqueued = jobs[0].enqueued_at
            if timezone.is_naive(enqueued):
                enqueued = timezone.make_aware(enqueued, dt_timezone.utc)
            oldest = enqueued if oldest is None else min(oldest, enqueued)
    return depth, oldest


QUEUE_MEASURES = {
    "django_tasks_db.backend.DatabaseBackend": database_queue,
    "django_tasks_rq.backend.RQBackend": rq_queue,
}


def exposition():
    """The metrics in Prometheus's text format."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for metric in COUNTED:
            registry.register(metric)
        ProcessCollector(registry=registry)
    registry.register(DatabaseCollector())
    return generate_latest(registry)
