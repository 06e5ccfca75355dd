"""What a page shows, recorded while it renders, so that a change purges exactly it.

While a cacheable page renders, every story, section, author and tag loaded
from the database adds a dependency ("story:12", "section:3"…), and each
listing adds its own ("list:section:3", "list:recent"…) through
`depends_on()`. The page is stored with these tags; an edit purges the pages
that carry the tags it touches (newsdesk/pagecache/invalidation.py).

A page that loads more objects than MAX_TAGS (a sitemap, a long feed) is
tagged ANY_STORY instead, which every change of every story purges.
"""

from contextlib import contextmanager
from contextvars import ContextVar

ANY_STORY = "any-story"
MAX_TAGS = 400

_collected = ContextVar("newsdesk_page_dependencies", default=None)


class Dependencies:
    def __init__(self):
        self.tags = set()
        self.summarised = False

    def add(self, *tags):
        if self.summarised:
            return
        self.tags.update(tags)
        if len(self.tags) > MAX_TAGS:
            self.summarise()

    def summarise(self):
        self.tags = {tag for tag in self.tags if tag.startswith("list:")} | {ANY_STORY}
        self.summarised = True


def depends_on(*tags):
    """Record that the page being rendered shows what `tags` name (no-op outside a render)."""
    collected = _collected.get()
    if collected is not None:
        collected.add(*tags)


def depends_on_every_story():
    """For pages that show the whole archive (sitemaps, the site feed): any story change purges them."""
    collected = _collected.get()
    if collected is not None:
        collected.summarise()


@contextmanager
def collecting():
    """Collect the dependencies of what renders inside the block."""
    dependencies = Dependencies()
    token = _collected.set(dependencies)
    try:
        yield dependencies
    finally:
        _collected.reset(token)


# The models whose instances, once loaded, make a page depend on them.
TAGGED_MODELS = {
    "stories.ArticlePage": "story",
    "stories.SectionPage": "section",
    "stories.Author": "author",
    "taggit.Tag": "tag",
}


def record_loaded(sender, instance, **kwargs):
    """post_init receiver: a loaded object is something the page may show."""
    collected = _collected.get()
    if collected is not None and instance.pk is not None:
        collected.add(f"{TAGGED_MODELS[sender._meta.label]}:{instance.pk}")


def connect_loaders():
    from django.apps import apps
    from django.db.models.signals import post_init

    for label in TAGGED_MODELS:
        post_init.connect(record_loaded, sender=apps.get_model(label), dispatch_uid=f"pagecache-{label}")
