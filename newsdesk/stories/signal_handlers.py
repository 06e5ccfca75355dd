"""Queue the renditions of a story's pictures when it is published, and of an author's photo when saved.

Queued once the change is committed, for the worker: see renditions.py for
why the web processes should not make them.
"""

from django.db import transaction
from django.db.models.signals import post_save
from wagtail.signals import page_published


def story_published(sender, instance, **kwargs):
    from .tasks import make_story_renditions

    transaction.on_commit(lambda: make_story_renditions.enqueue(instance.pk), robust=True)


def author_saved(sender, instance, **kwargs):
    from .tasks import make_author_renditions

    if instance.photo_id:
        transaction.on_commit(lambda: make_author_renditions.enqueue(instance.pk), robust=True)


def connect():
    from .models import ArticlePage, Author

    page_published.connect(story_published, sender=ArticlePage, dispatch_uid="stories-renditions")
    post_save.connect(author_saved, sender=Author, dispatch_uid="stories-author-renditions")
