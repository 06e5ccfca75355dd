"""Routes of the demo wire outlets; newsdesk/urls.py mounts them at demo-outlets/."""

from django.urls import path, re_path

from . import outlets

app_name = "demo_outlets"

urlpatterns = [
    path("", outlets.index, name="index"),
    path("<slug:outlet>/", outlets.home, name="home"),
    re_path(r"^(?P<outlet>[-a-zA-Z0-9_]+)/(?P<feed_name>feed\.(?:xml|json))$", outlets.feed, name="feed"),
    path("<slug:outlet>/<slug:story>/", outlets.article, name="article"),
]
