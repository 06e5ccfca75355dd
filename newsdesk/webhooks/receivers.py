"""Turn Wagtail's publish and unpublish signals for stories into webhook deliveries."""

import logging
from functools import partial

from django.db import transaction
from wagtail.models import PageLogEntry
from wagtail.signals import page_published, page_unpublished

from newsdesk.api.serializers import ContentSerializer
from newsdesk.stories.models import ArticlePage

from .models import Event, Webhook, WebhookDelivery
from .tasks import enqueue_delivery

logger = logging.getLogger(__name__)


def publication_event(story):
    """Which event a publication is: "publish" if the story just became visible, else "update".

    Wagtail sets first_published_at only on the first publication, so a story
    unpublished and published again is told apart by its log: readers of
    the webhook removed it on "unpublish" and must hear "publish" to add it back.
    """
    if story.first_published_at == story.last_published_at:
        return Event.PUBLISH
    # Wagtail writes this publication's log entry after the signal, so the
    # latest entry is the story's previous publish or unpublish.
    previous = (
        PageLogEntry.objects.filter(
            page=story, action__in=["wagtail.publish", "wagtail.unpublish", "wagtail.unpublish.scheduled"]
        )
        .order_by("-timestamp", "-pk")
        .first()
    )
    if previous is not None and previous.action != "wagtail.publish":
        return Event.PUBLISH
    return Event.UPDATE


def story_published(sender, instance, **kwargs):
    # Wagtail also sends page_published when it schedules a revision for
    # later; the story is not live yet, and the real publication will tell.
    if not instance.live:
        return
    create_deliveries(instance, publication_event(instance))


def story_unpublished(sender, instance, **kwargs):
    create_deliveries(instance, Event.UNPUBLISH)


def create_deliveries(story, event):
    """Log a delivery for each webhook that wants `event`, and queue them once the change is saved."""
    webhooks = list(Webhook.objects.subscribed_to(event))
    if not webhooks:
        return
    try:
        payload = {"event": str(event), "story": story_payload(story, event)}
    except Exception:
        # Webhooks must never stop an editor publishing.
        logger.exception("Could not describe story %s for webhooks", story.pk)
        return
    for webhook in webhooks:
        delivery = WebhookDelivery.objects.create(
            webhook=webhook, event=event, story_id=story.pk, payload=payload
        )
        # Queued after commit, so the worker finds the delivery row and a
        # rolled-back publication sends nothing; robust, so a queue that
        # refuses the task logs it instead of failing the editor's request.
        transaction.on_commit(partial(enqueue_delivery, delivery), robust=True)


def story_payload(story, event):
    """The story as the API's detail shows it; an unpublished story's body is no longer public."""
    serializer = ContentSerializer.for_site(story.get_site())
    return serializer.story(story, body=event != Event.UNPUBLISH)


def connect():
    page_published.connect(story_published, sender=ArticlePage, dispatch_uid="webhooks-story-published")
    page_unpublished.connect(story_unpublished, sender=ArticlePage, dispatch_uid="webhooks-story-unpublished")
