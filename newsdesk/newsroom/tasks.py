"""Background tasks of the newsroom."""

import secrets
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from django_tasks import task

from newsdesk import conf

# Rows deleted per statement, so one prune never holds the database's
# write lock for long (on SQLite there is only one).
DELETE_BATCH = 2_000


# Wagtail's publish_scheduled reads the revisions that are due, then
# publishes them one by one: two runs at once (two workers handed a run each
# by a queue that fell behind) would both publish every story. A run holds
# this lease while it lasts, renewed by a heartbeat; a killed run's lease
# runs out after PUBLISH_LEASE, and the next tick publishes.
PUBLISHING = "publish-scheduled:running"
PUBLISH_LEASE = timedelta(seconds=30)


@task()
def publish_scheduled():
    """Publish stories whose go-live time has come and unpublish expired ones, one run at a time."""
    from .leases import Heartbeat, Lease
    from .models import PeriodicLease
    from .periodic import worker_id

    now = timezone.now()
    holder = f"{worker_id()}#{secrets.token_hex(4)}"
    PeriodicLease.objects.get_or_create(name=PUBLISHING, defaults={"run_after": now})
    lease = Lease(PeriodicLease, holder_field="holder", until_field="run_after")
    if not lease.take(PUBLISHING, holder, now, PUBLISH_LEASE):
        return "another run is publishing"
    try:
        with Heartbeat(lease, PUBLISHING, holder, PUBLISH_LEASE):
            call_command("publish_scheduled", verbosity=0)
    finally:
        PeriodicLease.objects.filter(name=PUBLISHING, holder=holder).update(run_after=timezone.now(), holder="")
    return "published"


@task()
def prune_task_results():
    """Delete finished results of background tasks older than NEWSDESK_KEEP_TASK_RESULTS_DAYS.

    The database queue keeps a row per task run, two a minute from the
    periodic jobs alone; with RQ the table stays empty and this deletes nothing.
    """
    from django_tasks_db.models import DBTaskResult

    keep_days = conf.get("NEWSDESK_KEEP_TASK_RESULTS_DAYS")
    if not keep_days:
        return 0
    old = DBTaskResult.objects.finished().filter(finished_at__lt=timezone.now() - timedelta(days=keep_days))
    deleted = 0
    while batch := list(old.values_list("pk", flat=True)[:DELETE_BATCH]):
        count, _ = DBTaskResult.objects.filter(pk__in=batch).delete()
        deleted += count
    return deleted
