"""Fingerprint our own stories when they are published, so their copies on other outlets are recognised.

The fingerprint is made by a task, once the publication is committed: it
needs datasketch, numpy and scipy (about 1 s to import and 30 MB in each
process), which the web processes editors publish from otherwise never load.
"""

from django.db import transaction
from wagtail.signals import page_published


def fingerprint_published_article(sender, instance, **kwargs):
    from .tasks import fingerprint_article

    transaction.on_commit(lambda: fingerprint_article.enqueue(instance.pk))


def connect():
    from newsdesk.stories.models import ArticlePage

    page_published.connect(fingerprint_published_article, sender=ArticlePage, dispatch_uid="copies-fingerprint")
