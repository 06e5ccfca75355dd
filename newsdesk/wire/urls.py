from django.urls import path

from . import views

app_name = "wire"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("items/<int:item_id>/", views.preview, name="preview"),
    path("act/", views.act, name="act"),
    path("health/", views.health, name="health"),
]
