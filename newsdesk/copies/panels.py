"""The story editor's copies panel: other outlets' copies of this story, found on the wire."""

from wagtail.admin.panels import Panel

# The panel lists the latest copies; a story copied everywhere would list hundreds.
MAX_LISTED = 20


class CopiesPanel(Panel):
    """Lists the wire items from other outlets that copy the story being edited."""

    def __init__(self, heading="Copies on other outlets", **kwargs):
        super().__init__(heading=heading, **kwargs)

    @property
    def clean_name(self):
        return super().clean_name or "copies"

    class BoundPanel(Panel.BoundPanel):
        template_name = "copies/copies_panel.html"

        def is_shown(self):
            return self.instance is not None and bool(self.instance.pk)

        def get_context_data(self, parent_context=None):
            from .linking import copies_of_article

            context = super().get_context_data(parent_context)
            copies = copies_of_article(self.instance)
            context.update(copies=copies[:MAX_LISTED], copy_count=copies.count())
            return context
