from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "newsdesk.security"
    label = "security"
