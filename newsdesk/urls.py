from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from newsdesk import conf
from newsdesk.stories.search import search

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if conf.get("NEWSDESK_SERVE_MEDIA"):
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

urlpatterns += [
    path("", include("newsdesk.seo.urls")),
    # /favicon.ico, /apple-touch-icon.png, /icon-512.png. (/healthz, /readyz
    # and /metrics are answered before URLs are resolved: newsdesk.operations.)
    path("", include("newsdesk.branding.urls")),
    path("", include("newsdesk.feeds.urls")),
    path("api/", include("newsdesk.api.urls")),
    path("search/", search, name="search"),
    # Always routed; the outlets' views answer 404 unless NEWSDESK_DEMO_OUTLETS is on.
    path("demo-outlets/", include("newsdesk.demo.urls")),
    path("", include(wagtail_urls)),
]
