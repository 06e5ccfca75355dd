from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "newsdesk.stories"
    label = "stories"
    verbose_name = "Stories"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signal_handlers

        signal_handlers.connect()
