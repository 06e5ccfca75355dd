"""The sections app: its periodic retraining and its panel on the story editor."""

from datetime import timedelta

from django.apps import AppConfig


class SectionsConfig(AppConfig):
    name = "newsdesk.sections"
    label = "sections"
    verbose_name = "Automatic sections"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from newsdesk.newsroom import periodic

        # Each tick only counts new stories and choices; a retrain runs when
        # there are enough (NEWSDESK_SECTION_RETRAIN_AFTER), or at once on a
        # site with an archive and no model yet. Registered before the wire's
        # polling (this app comes first in INSTALLED_APPS), so on a new demo
        # site the first model is queued ahead of the first polls.
        periodic.register(
            periodic.PeriodicJob("retrain-sections", timedelta(minutes=10), "newsdesk.sections.tasks.retrain_if_due")
        )
        self.add_editor_panel()

    def add_editor_panel(self):
        """Put the section suggestions on the story editor.

        Stories sit below this app and must not import it, and Wagtail has no
        hook for adding panels to another app's model, so the panel is added
        to the article's panels here, before Wagtail first builds its editor.
        """
        from newsdesk.stories.models import ArticlePage

        from .panels import SectionSuggestionPanel

        panels = list(ArticlePage.content_panels)
        if any(isinstance(panel, SectionSuggestionPanel) for panel in panels):
            return
        # Right under the body, where the writer is when the story takes shape.
        body = [i for i, panel in enumerate(panels) if getattr(panel, "field_name", "") == "body"]
        after = body[0] + 1 if body else len(panels)
        panels.insert(after, SectionSuggestionPanel())
        ArticlePage.content_panels = panels
