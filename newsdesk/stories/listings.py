"""One tag's or one author's stories, listed and counted without joining the archive.

A tag on a large site is on tens of thousands of stories. Joining its rows
to the stories and sorting them, and counting them with a page lookup each,
cost 250 ms at 650,000 stories and grew with the archive. Instead:

- the listing walks the site's stories newest first, as the listing index
  holds them, and keeps those with a row for the tag (an EXISTS probe into
  the tag's own index): page 1 reads as many stories as it takes to find
  twelve of the tag's;
- the count is the tag's rows, read from that index alone (no story is
  looked up), less the rows of stories that are not live, which the offline
  pages index (migration stories/0005) holds: a few at any size.

The count is only taken that way where it is exact: one home page (so every
story is under it) and no view restrictions (so every live story is shown).
Otherwise the paginator counts the listing itself.
"""

from django.db.models import Exists, OuterRef
from wagtail.models import Page

from newsdesk.pagecache.memo import remembered

from .restrictions import any_view_restrictions


def linked_stories(home, cards, links, story_field):
    """The home page's stories from `cards` that have a row in `links` (one tag's or one author's rows).

    `story_field` names the story in a row of `links`.
    """
    return home.stories(cards).filter(Exists(links.filter(**{story_field: OuterRef("pk")})))


def linked_count(home, links, story_field):
    """How many of the home page's live stories have a row in `links`, or None where that is not exact."""
    if any_view_restrictions() or not sole_home(home):
        return None
    stories = links.values(story_field).distinct()
    # Asked as the offline pages index is keyed (depth, then a range of
    # paths: the home page's), or SQLite walks every story for its flag.
    under_home = (home.path, home.path + "Z" * 2 * Page.steplen)
    offline = Page.objects.filter(live=False, depth=home.depth + 2, path__range=under_home).values("pk")
    return stories.count() - stories.filter(**{f"{story_field}__in": offline}).count()


def sole_home(home):
    """Whether `home` is the only home page, so every story is under it (asked once per content version)."""
    return remembered(("sole-home", home.pk), lambda: not type(home).objects.exclude(pk=home.pk).exists())
