from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "newsdesk.operations"
    label = "operations"
    verbose_name = "Operations"

    def ready(self):
        from . import checks, switch

        checks.register()
        switch.connect()
