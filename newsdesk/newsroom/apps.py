from datetime import timedelta

from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsdesk.newsroom"
    label = "newsroom"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import periodic

        # A story scheduled for 10:00 goes live by 10:00:35 at the latest:
        # this interval plus the scheduler's tick.
        periodic.register(
            periodic.PeriodicJob(
                "publish-scheduled", timedelta(seconds=30), "newsdesk.newsroom.tasks.publish_scheduled"
            )
        )
        # Old task results only take room; hourly keeps the table within a
        # day's worth of its retention.
        periodic.register(
            periodic.PeriodicJob(
                "prune-task-results", timedelta(hours=1), "newsdesk.newsroom.tasks.prune_task_results"
            )
        )
