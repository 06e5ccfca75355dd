"""A page's children in Wagtail's tree, selected by an expression the children index serves.

Wagtail finds a page's children with `path LIKE 'parent%' AND depth = n`:
neither SQLite nor PostgreSQL can read that prefix from an index here, so a
section of 140,000 stories was counted row by row on every listing page.
The children index (migration 0003) keys each page by its parent's path,
the page's own path less its last step, so one section's live stories sit
together, newest first: a listing page reads its stories in order and the
paginator counts them without visiting the table.
"""

from django.db.models import CharField, Func
from wagtail.models import Page


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
