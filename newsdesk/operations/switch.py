"""Whether metrics are on, asked without importing prometheus_client.

prometheus_client and what it imports hold about 12 MB in each process.
Metrics are off by default, so newsdesk.operations.metrics (which imports
it) is loaded only by the processes of a site that turned them on.
"""

from newsdesk import conf


def metrics_enabled():
    return bool(conf.get("NEWSDESK_METRICS"))


def task_started(sender, task_result, **kwargs):
    if metrics_enabled():
        from . import metrics

        metrics.task_started(sender, task_result, **kwargs)


def task_finished(sender, task_result, **kwargs):
    if metrics_enabled():
        from . import metrics

        metrics.task_finished(sender, task_result, **kwargs)


def connect():
    from django_tasks import signals

    signals.task_started.connect(task_started, dispatch_uid="newsdesk-metrics-task-started")
    signals.task_finished.connect(task_finished, dispatch_uid="newsdesk-metrics-task-finished")


def hit_counter():
    """The page cache's hit hook (newsdesk/wsgi.py): None when metrics are off, so hits cost nothing."""
    if not metrics_enabled():
        return None
    from . import metrics

    return metrics.hit_counter()
