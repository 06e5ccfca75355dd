"""Webhooks: signed POSTs to other systems when stories are published, updated or unpublished."""
from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "newsdesk.webhooks"
    label = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers

        receivers.connect()
