import copy

from django import forms
from django.db import models
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from newsdesk.pagecache.memo import remembered

from .share import DEFAULT_NETWORKS, NETWORK_CHOICES


def default_share_networks():
    return list(DEFAULT_NETWORKS)


class NewsroomSettingsForm(WagtailAdminModelForm):
    share_networks = forms.MultipleChoiceField(
        choices=NETWORK_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Networks offered under each story.",
    )


@register_setting(icon="site")
class NewsroomSettings(BaseSiteSetting):
    site_name = models.CharField(max_length=100, default="newsdesk")
    tagline = models.CharField(max_length=200, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    copyright_holder = models.CharField(
        max_length=200, blank=True, help_text="Defaults to the site name."
    )
    copyright_start_year = models.PositiveIntegerField(
        null=True, blank=True, help_text="Shown as “2019–2026” when earlier than this year."
    )
    share_call_to_action = models.CharField(
        max_length=200, default="Share this story", help_text="The line above the share links."
    )
    share_networks = models.JSONField(default=default_share_networks, blank=True)
    recent_posts_count = models.PositiveSmallIntegerField(
        default=6, help_text="How many stories the Recent Posts block lists."
    )
    x_handle = models.CharField("X handle", max_length=50, blank=True, help_text="Without the @.")
    facebook_url = models.URLField(blank=True)
    instagram_url = models.URLField(blank=True)
    linkedin_url = models.URLField(blank=True)
    mastodon_url = models.URLField(blank=True)

    # Reader pages show the logo (social cards, the JSON-LD publisher).
    select_related = ["logo"]

    base_form_class = NewsroomSettingsForm
    panels = [
        MultiFieldPanel(
            [FieldPanel("site_name"), FieldPanel("tagline"), FieldPanel("logo")], heading="Masthead"
        ),
        MultiFieldPanel(
            [FieldPanel("copyright_holder"), FieldPanel("copyright_start_year")],
            heading="Copyright",
        ),
        MultiFieldPanel(
            [FieldPanel("share_call_to_action"), FieldPanel("share_networks")], heading="Sharing"
        ),
        FieldPanel("recent_posts_count"),
        MultiFieldPanel(
            [
                FieldPanel("x_handle"),
                FieldPanel("facebook_url"),
                FieldPanel("instagram_url"),
                FieldPanel("linkedin_url"),
                FieldPanel("mastodon_url"),
            ],
            heading="Social accounts",
        ),
    ]

    class Meta:
        verbose_name = "newsroom settings"

    def __str__(self):
        return f"Newsroom settings for {self.site}"

    @classmethod
    def for_site(cls, site):
        """The site's settings, read from the database once per content version.

        Every reader page reads them; they change only when an editor saves
        them, which gives a new content version. Each caller gets its own
        copy, as Wagtail pins the request to it.
        """
        if site is None:
            return super().for_site(site)
        shared = remembered(("newsroom-settings", site.pk), lambda: super(NewsroomSettings, cls).for_site(site))
        return copy.copy(shared)

    def copyright_line(self, year=None):
        """“© 2019–2026, Site. All rights reserved.”, for the given year."""
        year = year or timezone.localdate().year
        start = self.copyright_start_year
        years = f"{start}–{year}" if start and start < year else str(year)
        holder = self.copyright_holder or self.site_name
        return f"© {years}, {holder}. All rights reserved."

    def social_accounts(self):
        """(label, url) for each social account the newsroom has filled in."""
        accounts = []
        if self.x_handle:
            accounts.append(("X", f"https://x.com/{self.x_handle.lstrip('@')}"))
        for label, url in [
            ("Facebook", self.facebook_url),
            ("Instagram", self.instagram_url),
            ("LinkedIn", self.linkedin_url),
            ("Mastodon", self.mastodon_url),
        ]:
            if url:
                accounts.append((label, url))
        return accounts
