"""A page's children in Wagtail's tree, selected by an expression the children index serves.

Wagtail finds a page's children with `path LIKE 'parent%' AND depth = n`:
neither SQLite nor PostgreSQL can read that prefix from an index here, so a
section of 140,000 stories was counted row by row on every listing page.
The children index (migration 0003) keys each page by its parent's path,
the page's own path less its last step, so one section's live stories sit
together, newest first: a listing page reads its stories in order, and
skips to a deep page in the index alone. The paginator's count starts from
the number of children Wagtail keeps on each page.
"""

from django.db.models import CharField, Func
from wagtail.models import Page, PageViewRestriction

from .restrictions import any_view_restrictions


class ParentPath(Func):
    """The tree path of a page's parent, written exactly as the children index writes it.

    Both databases match an expression to an index by its text, so the
    template must stay identical to the one in migration 0003.
    """

    template = f"substr(%(expressions)s, 1, length(%(expressions)s) - {Page.steplen})"
    output_field = CharField()

    def __init__(self, path="path"):
        super().__init__(path)


def children_of(pages, parent):
    """The pages of the queryset whose parent is `parent`."""
    return pages.alias(parent_path=ParentPath()).filter(parent_path=parent.path)


def public_live_children(parent):
    """The page's live children that anyone may read (public() asks for the restrictions only if there are any)."""
    pages = Page.objects.live()
    return children_of(pages.public() if any_view_restrictions() else pages, parent)


def public_live_children_count(parent):
    """How many of the page's children are live and public, without counting them one by one.

    Wagtail keeps each page's number of children (numchild) as the tree
    changes. Of those, the ones not live (drafts, withdrawn, scheduled) are
    few, and the offline pages index (migration 0005) holds just them;
    private ones come from the view restrictions, a short list. So the
    count costs the same for a section of ten stories or of a million.
    """
    offline = Page.objects.filter(
        live=False, depth=parent.depth + 1, path__range=Page._get_children_path_interval(parent.path)
    ).count()
    if not any_view_restrictions():
        return max(parent.numchild - offline, 0)
    private = set()
    for path, depth, live in PageViewRestriction.objects.values_list("page__path", "page__depth", "page__live"):
        if parent.path.startswith(path):
            return 0  # the parent itself is private, and every page under it
        if live and depth == parent.depth + 1 and path.startswith(parent.path):
            private.add(path)
    return max(parent.numchild - offline - len(private), 0)
