"""The admin's webhook screens: webhooks to edit, and their delivery log to read."""

import json

from django.urls import path, reverse
from django.utils.html import format_html
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Webhook, WebhookDelivery


class WebhookViewSet(ModelViewSet):
    model = Webhook
    icon = "link-external"
    menu_label = "Webhooks"
    add_to_settings_menu = True
    copy_view_enabled = False
    # Nothing points at a webhook but its own deliveries: keeping them in
    # Wagtail's reference index would only queue a task on every save.
    add_to_reference_index = False
    list_display = [
        "name",
        "url",
        Column("events", label="Events", accessor=lambda webhook: ", ".join(webhook.events())),
        BooleanColumn("active"),
        TitleColumn(
            "deliveries",
            label="Deliveries",
            accessor=lambda webhook: "Delivery log",
            get_url=lambda webhook: reverse("webhookdelivery:index") + f"?webhook={webhook.pk}",
        ),
    ]
    list_filter = ["active"]
    panels = [
        FieldPanel("name"),
        FieldPanel("url"),
        MultiFieldPanel(
            [FieldPanel("on_publish"), FieldPanel("on_update"), FieldPanel("on_unpublish")],
            heading="Events",
        ),
        FieldPanel("secret"),
        FieldPanel("active"),
    ]


class DeliveryInspectView(InspectView):
    def get_field_display_value(self, field_name, field):
        if field_name == "payload":
            # Shown as the JSON the receiver reads, not as a Python dict.
            return format_html("<pre>{}</pre>", json.dumps(self.object.payload, indent=2, ensure_ascii=False))
        return super().get_field_display_value(field_name, field)


class WebhookDeliveryViewSet(ModelViewSet):
    """Read-only: deliveries are written by the publishing signals and the task, never by hand."""

    model = WebhookDelivery
    icon = "list-ul"
    menu_label = "Webhook deliveries"
    add_to_settings_menu = True
    inspect_view_enabled = True
    inspect_view_class = DeliveryInspectView
    copy_view_enabled = False
    add_to_reference_index = False
    list_display = [
        TitleColumn(
            "event", label="Event", get_url=lambda delivery: reverse("webhookdelivery:inspect", args=[delivery.pk])
        ),
        "webhook",
        "story_id",
        StatusTagColumn("status", accessor="get_status_display", primary=lambda d: d.status == "delivered"),
        "attempts",
        "last_response_code",
        DateColumn("next_attempt_at", label="Next attempt"),
        DateColumn("created_at", label="Created"),
    ]
    list_filter = ["webhook", "status", "event"]
    inspect_view_fields = [
        "webhook", "event", "story_id", "status", "attempts", "last_response_code", "last_error",
        "next_attempt_at", "last_attempt_at", "created_at", "updated_at", "payload",
    ]
    form_fields = []

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{
                "add_url_name": None,
                "edit_url_name": None,
                "delete_url_name": None,
                "history_url_name": None,
                "usage_url_name": None,
                **kwargs,
            }
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]
