import pytest
from wagtail.models import Site

from newsdesk.webhooks.models import Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db


def test_first_publication_sends_publish(receiver, webhook, new_story, publish):
    """Publishing a story for the first time POSTs a signed "publish" event with the story."""
    publish(new_story)
    [request] = receiver.requests
    assert request.path == "/hooks/news"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == "newsdesk-webhooks/0.1.0"
    assert request.headers["X-Newsdesk-Event"] == "publish"
    delivery = WebhookDelivery.objects.get(webhook=webhook)
    assert request.headers["X-Newsdesk-Delivery"] == str(delivery.pk)
    assert request.headers["X-Newsdesk-Signature"].startswith("sha256=")
    document = request.json()
    assert list(document) == ["event", "sent_at", "story"]
    assert document["event"] == "publish"
    story = document["story"]
    assert story["id"] == new_story.pk
    assert story["headline"] == "Harbour bridge reopens"
    site = Site.objects.get(is_default_site=True)
    assert story["url"] == f"{site.root_url}/world/harbour-bridge-reopens/"
    assert story["section"]["slug"] == "world"
    assert story["authors"][0]["slug"] == "zoe-alund"
    assert story["body_html"] == "<p>The bridge reopened at dawn.</p>"
    assert story["first_published_at"] == story["last_published_at"]
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("delivered", 1, 200)
    assert delivery.event == "publish" and delivery.story_id == new_story.pk


def test_the_story_has_the_api_detail_shape(client, receiver, webhook, new_story, publish):
    """The payload's story is what the API's detail answers, field for field."""
    publish(new_story)
    sent = receiver.requests[0].json()["story"]
    site = Site.objects.get(is_default_site=True)
    shown = client.get(f"/api/v1/stories/{new_story.pk}/", HTTP_HOST=f"{site.hostname}:{site.port}").json()
    assert sent == shown


def test_publishing_again_sends_update(receiver, webhook, new_story, publish):
    """Publishing a live story again is an "update"."""
    publish(new_story)
    publish(new_story)
    assert [r.headers["X-Newsdesk-Event"] for r in receiver.requests] == ["publish", "update"]
    update = receiver.requests[1].json()
    assert update["event"] == "update"
    assert update["story"]["last_published_at"] >= update["story"]["first_published_at"]


def test_unpublishing_sends_unpublish_without_the_body(receiver, webhook, new_story, publish, unpublish):
    """Taking a story down sends "unpublish"; the story no longer carries its body."""
    publish(new_story)
    unpublish(new_story)
    request = receiver.requests[-1]
    assert request.headers["X-Newsdesk-Event"] == "unpublish"
    story = request.json()["story"]
    assert story["id"] == new_story.pk and story["headline"] == "Harbour bridge reopens"
    assert "body_html" not in story


def test_republishing_after_unpublish_is_publish_again(receiver, webhook, new_story, publish, unpublish):
    """A story put back after being taken down is announced as "publish", so receivers add it back."""
    publish(new_story)
    unpublish(new_story)
    publish(new_story)
    publish(new_story)
    events = [r.headers["X-Newsdesk-Event"] for r in receiver.requests]
    assert events == ["publish", "unpublish", "publish", "update"]


def test_each_subscribed_webhook_gets_its_own_delivery(receiver, webhook, new_story, publish):
    Webhook.objects.create(name="Second partner", url=receiver.url + "?second")
    publish(new_story)
    assert sorted(r.path for r in receiver.requests) == ["/hooks/news", "/hooks/news?second"]
    assert WebhookDelivery.objects.filter(status="delivered").count() == 2


def test_inactive_webhooks_get_nothing(receiver, webhook, new_story, publish, unpublish):
    webhook.active = False
    webhook.save()
    publish(new_story)
    unpublish(new_story)
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_unsubscribed_events_get_nothing(receiver, webhook, new_story, publish, unpublish):
    """A webhook hears only the events it ticked."""
    webhook.on_publish = False
    webhook.on_unpublish = False
    webhook.save()
    publish(new_story)
    publish(new_story)
    unpublish(new_story)
    assert [r.headers["X-Newsdesk-Event"] for r in receiver.requests] == ["update"]
    assert list(WebhookDelivery.objects.values_list("event", flat=True)) == ["update"]


def test_nothing_is_sent_before_the_commit(receiver, webhook, new_story, django_capture_on_commit_callbacks):
    """The delivery is logged with the publication and sent only once it is committed."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        new_story.save_revision().publish()
    assert receiver.requests == []
    assert WebhookDelivery.objects.get().status == "pending"
    assert len(callbacks) == 1


def test_scheduled_publication_sends_nothing_yet(receiver, webhook, new_story, publish):
    """A revision scheduled for later is not a publication: receivers hear when it goes live."""
    from datetime import timedelta

    from django.utils import timezone

    new_story.go_live_at = timezone.now() + timedelta(days=1)
    new_story.save_revision().publish()
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_other_pages_send_nothing(receiver, webhook, publish, django_capture_on_commit_callbacks):
    """Only stories are announced, not sections."""
    from newsdesk.stories.models import SectionPage

    with django_capture_on_commit_callbacks(execute=True):
        SectionPage.objects.get(slug="world").save_revision().publish()
    assert receiver.requests == []
