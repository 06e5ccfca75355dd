from django.urls import path

from . import views

app_name = "sections"
urlpatterns = [
    path("suggest/", views.suggest, name="suggest"),
]
