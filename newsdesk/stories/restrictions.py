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
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
