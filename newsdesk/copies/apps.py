"""The copies app: fingerprints of stories and the links between a copy and its original."""

from django.apps import AppConfig


class CopiesConfig(AppConfig):
    name = "newsdesk.copies"
    label = "copies"
    verbose_name = "Copies and same stories"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signal_handlers

        signal_handlers.connect()
        self.add_editor_panel()

    def add_editor_panel(self):
        """List the story's copies on other outlets in its editor.

        Stories sit below this app and must not import it, and Wagtail has no
        hook for adding panels to another app's model, so the panel is added
        here, before Wagtail first builds the editor (as the sections app does).
        """
        from newsdesk.stories.models import ArticlePage

        from .panels import CopiesPanel

        panels = list(ArticlePage.content_panels)
        if not any(isinstance(panel, CopiesPanel) for panel in panels):
            ArticlePage.content_panels = [*panels, CopiesPanel()]
