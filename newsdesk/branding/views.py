"""The icons browsers, phones and search engines ask for at fixed addresses."""

from django.http import Http404, HttpResponse
from wagtail.models import Site

from . import icons
from .models import NewsroomSettings


def icon(request, name):
    site = Site.find_for_request(request)
    if site is None:
        raise Http404("No site answers this host.")
    body = icons.icon_bytes(name, NewsroomSettings.for_site(site))
    return HttpResponse(body, content_type=icons.ICONS[name])
