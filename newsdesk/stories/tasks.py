"""Work the worker does for stories, away from the web processes readers use."""

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def make_story_renditions(article_id):
    """Every rendition readers are shown of a published story's pictures (renditions.py)."""
    from .models import ArticlePage
    from .renditions import make_for_article

    article = ArticlePage.objects.filter(pk=article_id).select_related("lead_image").first()
    if article is None:
        logger.info("Article %s was deleted before its pictures' renditions were made", article_id)
        return
    make_for_article(article)


@task()
def make_author_renditions(author_id):
    """The renditions an author's photo is shown in."""
    from .models import Author
    from .renditions import make_for_author

    author = Author.objects.filter(pk=author_id).select_related("photo").first()
    if author is not None:
        make_for_author(author)
