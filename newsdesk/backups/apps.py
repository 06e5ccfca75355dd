from datetime import timedelta

from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "newsdesk.backups"
    label = "backups"
    verbose_name = "Backups"

    def ready(self):
        from newsdesk.newsroom import periodic

        # Checked often, run rarely: the task itself decides from the age of
        # the newest backup (NEWSDESK_BACKUP_EVERY_HOURS), so the interval can
        # change without a restart and a restart does not cause an extra backup.
        periodic.register(
            periodic.PeriodicJob("scheduled-backup", timedelta(minutes=15), "newsdesk.backups.tasks.back_up_if_due")
        )
