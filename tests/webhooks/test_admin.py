import json

import pytest
from django.utils.html import escape

from newsdesk.webhooks.models import Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db


def delivery(webhook, status, story_id):
    return WebhookDelivery.objects.create(
        webhook=webhook,
        event="update",
        story_id=story_id,
        payload={"event": "update", "story": {"id": story_id}},
        status=status,
        attempts=6 if status == "given_up" else 1,
        last_response_code=500 if status == "given_up" else 200,
        last_error="The receiver answered 500 Internal Server Error" if status == "given_up" else "",
    )


def test_webhooks_sit_in_the_settings_menu(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "/admin/webhook/" in page and "/admin/webhookdelivery/" in page


def test_a_webhook_is_added_with_a_generated_secret(admin_client):
    """The add form offers a fresh secret; saving keeps it, and the edit form shows it."""
    form = admin_client.get("/admin/webhook/new/")
    assert form.status_code == 200
    secret = form.context["form"]["secret"].value()
    assert len(secret) == 64 and f'value="{secret}"' in form.content.decode()
    response = admin_client.post(
        "/admin/webhook/new/",
        {"name": "Partner site", "url": "https://partner.example/hooks", "secret": secret,
         "on_publish": "on", "on_unpublish": "on", "active": "on"},
    )
    assert response.status_code == 302
    webhook = Webhook.objects.get()
    assert (webhook.secret, webhook.events()) == (secret, ["publish", "unpublish"])
    assert secret in admin_client.get(f"/admin/webhook/edit/{webhook.pk}/").content.decode()


def test_the_webhook_list_links_to_each_delivery_log(admin_client):
    webhook = Webhook.objects.create(name="Partner site", url="https://partner.example/hooks", on_update=False)
    page = admin_client.get("/admin/webhook/").content.decode()
    assert "Partner site" in page and "publish, unpublish" in page
    assert f'href="/admin/webhookdelivery/?webhook={webhook.pk}"' in page


def test_deliveries_are_listed_per_webhook_and_by_status(admin_client):
    """The log lists one webhook's deliveries, and narrows to a status."""
    ours = Webhook.objects.create(name="Partner site", url="https://partner.example/hooks")
    theirs = Webhook.objects.create(name="Other site", url="https://other.example/hooks")
    given_up, delivered = delivery(ours, "given_up", 101), delivery(ours, "delivered", 102)
    elsewhere = delivery(theirs, "delivered", 103)

    def listed(query):
        response = admin_client.get(f"/admin/webhookdelivery/?{query}")
        assert response.status_code == 200
        page = response.content.decode()
        return {d.pk for d in (given_up, delivered, elsewhere) if f"/admin/webhookdelivery/inspect/{d.pk}/" in page}

    assert listed("") == {given_up.pk, delivered.pk, elsewhere.pk}
    assert listed(f"webhook={ours.pk}") == {given_up.pk, delivered.pk}
    assert listed(f"webhook={ours.pk}&status=given_up") == {given_up.pk}
    assert "Given up" in admin_client.get(f"/admin/webhookdelivery/?webhook={ours.pk}").content.decode()


def test_a_delivery_is_inspected_not_edited(admin_client):
    """A delivery opens read-only, with its error and payload; there is no add, edit or delete."""
    record = delivery(Webhook.objects.create(name="Partner site", url="https://partner.example/"), "given_up", 7)
    page = admin_client.get(f"/admin/webhookdelivery/inspect/{record.pk}/").content.decode()
    assert "The receiver answered 500 Internal Server Error" in page
    assert "Partner site" in page and "Given up" in page
    payload = json.dumps({"event": "update", "story": {"id": 7}}, indent=2)
    assert f"<pre>{escape(payload)}</pre>" in page
    listing = admin_client.get("/admin/webhookdelivery/").content.decode()
    assert "/admin/webhookdelivery/new/" not in listing and "/edit/" not in listing
    for path in ("new/", f"edit/{record.pk}/", f"delete/{record.pk}/"):
        assert admin_client.get(f"/admin/webhookdelivery/{path}").status_code == 404
