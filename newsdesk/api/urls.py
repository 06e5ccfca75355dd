from django.urls import path, re_path

from . import views

app_name = "api"

urlpatterns = [
    path("v1/", views.index, name="index"),
    path("v1/stories/", views.story_list, name="story-list"),
    path("v1/stories/<int:story_id>/", views.story_detail, name="story-detail"),
    path("v1/sections/", views.section_list, name="section-list"),
    path("v1/sections/<str:slug>/", views.section_detail, name="section-detail"),
    path("v1/authors/", views.author_list, name="author-list"),
    path("v1/authors/<str:slug>/", views.author_detail, name="author-detail"),
    # Unknown addresses under the API answer JSON, not the site's HTML 404.
    # Only those ending in a slash, so Django still adds a forgotten one.
    re_path(r"^v1/.+/$", views.not_found),
]
