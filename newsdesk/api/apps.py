from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "newsdesk.api"
    label = "api"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from newsdesk.stories import renditions

        from .serializers import AUTHOR_PHOTO_FILTER, LEAD_IMAGE_FILTER

        renditions.shown(renditions.LEAD_IMAGE, LEAD_IMAGE_FILTER)
        renditions.shown(renditions.AUTHOR_PHOTO, AUTHOR_PHOTO_FILTER)
