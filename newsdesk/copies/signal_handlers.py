"""Fingerprint our own stories when they are published, so their copies on other outlets are recognised."""

from wagtail.signals import page_published


def fingerprint_published_article(sender, instance, **kwargs):
    from .linking import note_article

    note_article(instance)


def connect():
    from newsdesk.stories.models import ArticlePage

    page_published.connect(fingerprint_published_article, sender=ArticlePage, dispatch_uid="copies-fingerprint")
