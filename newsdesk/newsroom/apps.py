from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsdesk.newsroom"
    label = "newsroom"
    default_auto_field = "django.db.models.BigAutoField"
