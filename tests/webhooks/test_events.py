import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction, Site

from newsdesk.stories.models import ArticlePage, SectionPage
from newsdesk.webhooks.models import Webhook, WebhookDelivery
from newsdesk.webhooks.tasks import enqueue_delivery

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
    # One callback sends it (the others purge the page cache).
    assert len([c for c in callbacks if getattr(c, "func", None) is enqueue_delivery]) == 1


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


# Restricted stories: webhooks carry public stories only.


def restrict(page, kind=PageViewRestriction.PASSWORD):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=kind, password="members-only")
    if kind == PageViewRestriction.GROUPS:
        restriction.groups.add(Group.objects.get(name="Editor"))
    return restriction


@pytest.mark.parametrize("kind", [PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN, PageViewRestriction.GROUPS])
def test_a_restricted_story_sends_nothing(receiver, webhook, new_story, publish, unpublish, kind):
    """A story behind a password, a login or groups is not announced: no publish, update or unpublish."""
    restrict(new_story, kind)
    publish(new_story)
    publish(new_story)
    unpublish(new_story)
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_a_story_in_a_restricted_section_sends_nothing(receiver, webhook, new_story, publish):
    """A restriction on a section above the story keeps it out of webhooks too."""
    restrict(new_story.get_parent())
    publish(new_story)
    assert not WebhookDelivery.objects.filter(story_id=new_story.pk).exists()
    assert not [r for r in receiver.requests if r.json()["story"]["id"] == new_story.pk]


def test_a_live_story_that_becomes_restricted_is_removed_and_comes_back(
    receiver, webhook, new_story, publish, django_capture_on_commit_callbacks
):
    """Restricting a live story tells receivers "unpublish"; lifting it, "publish"; then edits are updates."""
    publish(new_story)
    with django_capture_on_commit_callbacks(execute=True):
        restriction = restrict(new_story)
    removal = receiver.requests[-1]
    assert removal.headers["X-Newsdesk-Event"] == "unpublish"
    assert removal.json()["story"]["id"] == new_story.pk and "body_html" not in removal.json()["story"]

    publish(new_story)  # an edit while restricted: nothing
    with django_capture_on_commit_callbacks(execute=True):
        restriction.password = "another-password"
        restriction.save()  # still restricted: nothing
    assert len(receiver.requests) == 2

    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    publish(new_story)
    events = [r.headers["X-Newsdesk-Event"] for r in receiver.requests]
    assert events == ["publish", "unpublish", "publish", "update"]
    assert "body_html" in receiver.requests[2].json()["story"]


def test_restricting_a_section_removes_its_public_stories_once(receiver, webhook, new_story, publish):
    """A restriction on a section removes each of its live stories, except those hidden already."""
    publish(new_story)
    section = new_story.get_parent()
    live_in_section = set(ArticlePage.objects.live().child_of(section).values_list("pk", flat=True))
    already_hidden = ArticlePage.objects.live().child_of(section).exclude(pk=new_story.pk).first()
    restrict(already_hidden)
    WebhookDelivery.objects.all().delete()

    restrict(section)
    removed = list(WebhookDelivery.objects.filter(webhook=webhook).values_list("event", "story_id"))
    assert {event for event, _ in removed} == {"unpublish"}
    assert sorted(story for _, story in removed) == sorted(live_in_section - {already_hidden.pk})


def test_a_story_moved_into_a_restricted_section_is_removed_and_back_out_published(
    receiver, webhook, new_story, publish, django_capture_on_commit_callbacks
):
    """Moving a live story under a restricted section removes it; moving it back out announces it again."""
    publish(new_story)
    world = new_story.get_parent()
    members = SectionPage.objects.get(slug="business")
    restrict(members)
    WebhookDelivery.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        ArticlePage.objects.get(pk=new_story.pk).move(members, pos="last-child")
    with django_capture_on_commit_callbacks(execute=True):
        ArticlePage.objects.get(pk=new_story.pk).move(world, pos="last-child")
    events = [r.headers["X-Newsdesk-Event"] for r in receiver.requests if r.json()["story"]["id"] == new_story.pk]
    assert events == ["publish", "unpublish", "publish"]
