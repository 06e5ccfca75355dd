"""The wire desk in Wagtail's admin: its menu, views, and the sources and rules editors."""

from django.forms import modelform_factory
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.viewsets.model import ModelViewSet

from newsdesk import conf
from newsdesk.stories.models import SectionPage

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


class RuleForm(WagtailAdminModelForm):
    """A rule's form, which keeps a publish rule within its author's page permissions.

    A publish rule puts stories live later with no one to review them, so
    writing one is publishing: only someone who may publish in its section
    may save it (in every section, for a rule that publishes wherever items
    are filed). Otherwise a Contributor with the desk's rule permission could
    skip the review their own publishing goes through.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "cluster_policy" in self.fields:
            wait = conf.get("NEWSDESK_CLUSTER_BEST_WAIT_MINUTES")
            self.fields["cluster_policy"].help_text = (
                "For “publish”: every outlet's report of a story; only the first (later reports of a story already "
                f"published are held); or only the best: the desk waits {wait} minutes from the story's first "
                "report, then publishes the fullest report (most words, a lead image, the outlet's own page) and "
                "holds the others, with both scores in their reasons."
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") != Rule.Action.PUBLISH or self.for_user is None:
            return cleaned
        section = cleaned.get("section")
        sections = [section] if section else SectionPage.objects.live().order_by("path")
        refused = [s.title for s in sections if not s.permissions_for_user(self.for_user).can_publish_subpage()]
        if refused:
            self.add_error(
                "section" if section else "action",
                f"You may not publish in {', '.join(refused)}, so you cannot make a rule that publishes there.",
            )
        return cleaned


class RuleViewSet(ModelViewSet):
    model = Rule
    icon = "cogs"
    menu_label = "Rules"
    add_to_admin_menu = False
    list_display = ["__str__", "source", "action", "section", "position", "enabled"]
    list_filter = ["action", "enabled"]
    form_fields = ["source", "action", "words", "pattern", "section", "cluster_policy", "position", "enabled"]

    def get_form_class(self, for_update=False):
        # Built on RuleForm so Wagtail hands the form the acting user; the
        # plain field callback keeps Django's own select for the section.
        return modelform_factory(
            Rule, form=RuleForm, fields=self.form_fields, formfield_callback=self.formfield_for_dbfield
        )


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
