"""The demo newsroom's feed scopes, and the stories each feed should list."""

from newsdesk.stories.models import ArticlePage, SectionPage

# One subject of each kind from the demo newsroom, by slug.
SCOPES = {
    "site": "/feeds/",
    "section": "/feeds/sections/world/",
    "author": "/feeds/authors/zoe-alund/",
    "tag": "/feeds/tags/port-alder/",
}
FORMATS = ["rss.xml", "atom.xml", "feed.json"]


def expected_stories(kind):
    """The live stories a scope's feed covers, newest first, found without the feeds' code."""
    stories = ArticlePage.objects.live().order_by("-first_published_at")
    if kind == "section":
        stories = stories.child_of(SectionPage.objects.get(slug="world"))
    elif kind == "author":
        stories = stories.filter(article_authors__author__slug="zoe-alund")
    elif kind == "tag":
        stories = stories.filter(tagged_items__tag__slug="port-alder")
    return list(stories.distinct())
