"""Fingerprinting our own published stories, in the worker."""

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def fingerprint_article(article_id):
    """Fingerprint one of our published stories (linking.note_article), if it is still there."""
    from newsdesk.stories.models import ArticlePage

    from .linking import note_article

    article = ArticlePage.objects.filter(pk=article_id).first()
    if article is None:
        logger.info("Article %s was deleted before it could be fingerprinted", article_id)
        return
    note_article(article)
