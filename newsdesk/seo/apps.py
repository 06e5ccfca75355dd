from django.apps import AppConfig


class SeoConfig(AppConfig):
    name = "newsdesk.seo"
    label = "seo"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from newsdesk.stories import renditions

        from .images import SOCIAL_CARD_SPEC, STRUCTURED_DATA_SPECS

        renditions.shown(renditions.LEAD_IMAGE, *STRUCTURED_DATA_SPECS, SOCIAL_CARD_SPEC)
