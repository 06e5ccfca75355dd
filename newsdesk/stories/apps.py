from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "newsdesk.stories"
    label = "stories"
    verbose_name = "Stories"
    default_auto_field = "django.db.models.BigAutoField"
