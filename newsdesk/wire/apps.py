from datetime import timedelta

from django.apps import AppConfig


class WireConfig(AppConfig):
    name = "newsdesk.wire"
    label = "wire"
    verbose_name = "Wire desk"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from newsdesk.newsroom import periodic

        # Due sources are looked for this often; each source keeps its own
        # poll interval, so this only bounds how late a poll can start.
        periodic.register(
            periodic.PeriodicJob("poll-sources", timedelta(seconds=30), "newsdesk.wire.tasks.poll_due_sources")
        )
        # A story a "best report" rule waits on is published within a minute of its time.
        periodic.register(
            periodic.PeriodicJob("decide-best-reports", timedelta(minutes=1), "newsdesk.wire.tasks.decide_best_reports")
        )
        # Retention is counted in days; hourly pruning keeps each run small.
        periodic.register(
            periodic.PeriodicJob("prune-wire-history", timedelta(hours=1), "newsdesk.wire.tasks.prune_history")
        )
