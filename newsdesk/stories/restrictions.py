"""View restrictions (private and password-protected pages), checked without a query on a site that has none."""

from wagtail.models import PageViewRestriction

from newsdesk.pagecache.memo import remembered


def any_view_restrictions():
    """Whether any page of any site is restricted, asked once per content version."""
    return remembered(("view-restrictions",), PageViewRestriction.objects.exists)


class RestrictablePage:
    """Page mixin: Wagtail asks each page it serves for its restrictions and its ancestors' (a query),
    though most news sites restrict nothing."""

    def get_view_restrictions(self):
        if not any_view_restrictions():
            return no_restrictions()
        return super().get_view_restrictions()


def no_restrictions():
    """An empty queryset that is already evaluated: the serving hook only loops over it, and an
    unevaluated none() still compiles its SQL first. Chained calls (order_by…) work as on none()."""
    empty = PageViewRestriction.objects.none()
    empty._result_cache = []
    empty._prefetch_done = True
    return empty
