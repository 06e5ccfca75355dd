from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "newsdesk.feeds"
    label = "feeds"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from newsdesk.stories import renditions

        from .entries import LEAD_IMAGE_SPEC

        renditions.shown(renditions.LEAD_IMAGE, LEAD_IMAGE_SPEC)
        # feeds/story_content.html: one large picture per figure.
        renditions.shown(renditions.FIGURE, "width-1200")
