"""Background tasks of the newsroom."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from django_tasks import task

from newsdesk import conf

# Rows deleted per statement, so one prune never holds the database's
# write lock for long (on SQLite there is only one).
DELETE_BATCH = 2_000


@task()
def publish_scheduled():
    """Publish stories whose go-live time has come and unpublish expired ones."""
    call_command("publish_scheduled", verbosity=0)


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
