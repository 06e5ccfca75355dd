"""The sections app in Wagtail's admin: the URL the editor's suggestion panel calls."""

from django.urls import include, path
from wagtail import hooks

from . import urls


@hooks.register("register_admin_urls")
def register_sections_urls():
    # Admin URLs: only signed-in users with admin access reach the view.
    return [path("sections/", include(urls, namespace="sections"))]
