from django.apps import AppConfig


class BrandingConfig(AppConfig):
    name = "newsdesk.branding"
    label = "branding"
    verbose_name = "Branding"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers

        receivers.connect()
