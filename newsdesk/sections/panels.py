"""The story editor's section panel: the model's suggestions as the writer types."""

from django.urls import reverse
from wagtail.admin.panels import Panel


class SectionSuggestionPanel(Panel):
    """Shows the three likeliest sections for the story being written, and where it sits now."""

    def __init__(self, heading="Suggested section", **kwargs):
        super().__init__(heading=heading, **kwargs)

    @property
    def clean_name(self):
        return super().clean_name or "section_suggestions"

    class BoundPanel(Panel.BoundPanel):
        template_name = "sections/suggestion_panel.html"

        class Media:
            js = ["sections/suggest.js"]

        def current_section(self):
            """The section the story is in, or is being added to."""
            if self.instance is not None and self.instance.pk:
                parent = self.instance.get_parent()
                return parent.specific if parent is not None else None
            parent = getattr(self.form, "parent_page", None)
            return parent.specific if parent is not None else None

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            section = self.current_section()
            page_id = self.instance.pk if self.instance is not None else None
            context.update(
                suggest_url=reverse("sections:suggest"),
                current_section=section,
                move_url=reverse("wagtailadmin_pages:move", args=[page_id]) if page_id else "",
            )
            return context
