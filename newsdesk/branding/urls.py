from django.urls import path

from . import icons, views

app_name = "branding"

urlpatterns = [
    path(name, views.icon, {"name": name}, name=name.split(".")[0]) for name in icons.ICONS
]
