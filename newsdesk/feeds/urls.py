"""Feed URLs, all under /feeds/ so that no page path can ever collide with them."""

from django.urls import path, register_converter

from . import views
from .formats import FORMATS


class FeedFileConverter:
    """The file name that ends a feed URL and names its format: rss.xml, atom.xml or feed.json."""

    regex = "|".join(name.replace(".", r"\.") for name in FORMATS)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FeedFileConverter, "feedfile")

app_name = "feeds"
urlpatterns = [
    path("feeds/<feedfile:filename>", views.feed, {"kind": "site"}, name="site"),
    path("feeds/sections/<str:slug>/<feedfile:filename>", views.feed, {"kind": "section"}, name="section"),
    path("feeds/authors/<str:slug>/<feedfile:filename>", views.feed, {"kind": "author"}, name="author"),
    path("feeds/tags/<str:slug>/<feedfile:filename>", views.feed, {"kind": "tag"}, name="tag"),
]
