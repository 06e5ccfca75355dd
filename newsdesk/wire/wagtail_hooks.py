from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.viewsets.model import ModelViewSet

from . import urls
from .models import Rule, Source


class SourceViewSet(ModelViewSet):
    model = Source
    icon = "link"
    menu_label = "Sources"
    add_to_admin_menu = False
    list_display = ["name", "kind", "section", "enabled", "last_success_at", "consecutive_failures", "next_poll_at"]
    list_filter = ["kind", "enabled"]
    search_fields = ["name", "url"]
    form_fields = ["name", "url", "kind", "section", "poll_interval", "enabled", "max_age_days", "headers"]


class RuleViewSet(ModelViewSet):
    model = Rule
    icon = "cogs"
    menu_label = "Rules"
    add_to_admin_menu = False
    list_display = ["__str__", "source", "action", "section", "position", "enabled"]
    list_filter = ["action", "enabled"]
    form_fields = ["source", "action", "words", "pattern", "section", "position", "enabled"]


source_viewset = SourceViewSet("wire_sources")
rule_viewset = RuleViewSet("wire_rules")


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [source_viewset, rule_viewset]


@hooks.register("register_admin_urls")
def register_wire_urls():
    return [path("wire/", include(urls, namespace="wire"))]


class WireMenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return request.user.has_perm("wire.view_wireitem")


@hooks.register("register_admin_menu_item")
def register_wire_menu():
    menu = Menu(
        items=[
            MenuItem("Queue", reverse("wire:queue"), icon_name="list-ul", order=100),
            MenuItem("Sources", reverse(source_viewset.get_url_name("index")), icon_name="link", order=200),
            MenuItem("Rules", reverse(rule_viewset.get_url_name("index")), icon_name="cogs", order=300),
            MenuItem("Health", reverse("wire:health"), icon_name="pick", order=400),
        ]
    )
    return WireMenuItem("Wire desk", menu, icon_name="doc-full-inverse", order=250)
