"""The renditions of a story's pictures that readers are shown, made before any reader asks.

Wagtail makes a rendition the first time a template asks for it, in the web
process, while the reader waits: it reads the original, decodes it and
resizes it three at a time in threads. Each 1600x900 photograph decoded
holds about 12 MB, so a fresh web worker rendering the demo's home page once
went from 115 MB to 160-180 MB, and glibc kept most of that. So the
worker makes them: every rendition a published story's images are shown in
(cards, the lead figure, figures in the body, the feeds, the API, search
engines' and social cards) when the story is published, and an author's
photo's when the author is saved (tasks.py). A web process still makes a
rendition a page needs that does not exist yet (the worker is behind, or an
image's focal point has just changed), as Wagtail always has.

Which renditions each kind of picture is shown in is declared by the code
that shows it, with `shown()`: the reader templates' sizes here, the feeds',
the API's and the search engines' by those apps when they start.
"""

import logging

from wagtail.images.models import Filter

logger = logging.getLogger(__name__)

LEAD_IMAGE = "lead image"
FIGURE = "figure"
AUTHOR_PHOTO = "author photo"

# The sizes story_card.html, home_page.html and article_page.html ask for
# (listings fetch just these with their stories: models.with_renditions).
CARD_RENDITIONS = [f"format-{kind}|fill-{size}" for size in ("400x225", "800x450") for kind in ("webp", "jpeg")]
LEAD_RENDITIONS = [
    f"format-{kind}|fill-{size}" for size in ("640x360", "960x540", "1200x675") for kind in ("webp", "jpeg")
]
# blocks/figure.html and author_page.html.
FIGURE_RENDITIONS = Filter.expand_spec("format-{webp,jpeg}|width-{480,800,1200}")
AUTHOR_PAGE_RENDITIONS = ["fill-160x160"]

_shown = {
    LEAD_IMAGE: dict.fromkeys(CARD_RENDITIONS + LEAD_RENDITIONS),
    FIGURE: dict.fromkeys(FIGURE_RENDITIONS),
    AUTHOR_PHOTO: dict.fromkeys(AUTHOR_PAGE_RENDITIONS),
}


def shown(kind, *specs):
    """Declare that pictures of this kind (LEAD_IMAGE, FIGURE, AUTHOR_PHOTO) are shown in these renditions."""
    _shown[kind].update(dict.fromkeys(specs))


def specs(kind):
    return list(_shown[kind])


def pictures_of(article):
    """(image, kind) for the story's lead image and each figure in its body."""
    if article.lead_image_id:
        yield article.lead_image, LEAD_IMAGE
    for block in article.body:
        if block.block_type == "image" and block.value["image"] is not None:
            yield block.value["image"], FIGURE


def make(image, kind):
    """Every rendition readers are shown of this image, made where missing. False when the file is unreadable."""
    try:
        image.get_renditions(*specs(kind))
    except Exception:  # a missing or corrupt original: the page shows what Wagtail falls back to
        logger.exception("Could not make the renditions of image %s (%s)", image.pk, kind)
        return False
    return True


def make_for_article(article):
    return sum(make(image, kind) for image, kind in pictures_of(article))


def make_for_author(author):
    return make(author.photo, AUTHOR_PHOTO) if author.photo_id else 0


def make_all(echo=None):
    """Every published story's pictures and every author's photo: how many pictures were done."""
    from .models import ArticlePage, Author

    done = 0
    articles = ArticlePage.objects.live().select_related("lead_image").order_by("-first_published_at")
    for article in articles.iterator(chunk_size=200):
        done += make_for_article(article)
        if echo and done and done % 100 == 0:
            echo(f"  {done:,} pictures…")
    for author in Author.objects.exclude(photo=None).select_related("photo"):
        done += make_for_author(author)
    return done
