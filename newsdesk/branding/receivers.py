"""Purges cached pages when the logo's image changes under the newsroom settings.

Saving the newsroom settings (choosing another logo) purges every page
already (newsdesk/pagecache/invalidation.py). An editor can also replace the
file of the image the settings point to, in the image library: that saves
the image, not the settings, and the icons, the JSON-LD logo and the social
cards would keep showing the old one.
"""

from django.db.models.signals import post_save


def logo_image_saved(sender, instance, created=False, **kwargs):
    from newsdesk.pagecache.invalidation import purge_everything

    from .models import NewsroomSettings

    if not created and NewsroomSettings.objects.filter(logo_id=instance.pk).exists():
        purge_everything()


def connect():
    from wagtail.images import get_image_model

    post_save.connect(logo_image_saved, sender=get_image_model(), dispatch_uid="branding-logo-image-saved")
