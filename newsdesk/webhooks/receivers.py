"""Turn Wagtail's publish and unpublish signals for stories into webhook deliveries.

Webhooks carry public stories only. A story with a view restriction
(password, login, groups) on it or on a section above it sends nothing;
when a live story becomes restricted (a restriction is added, or it moves
under one), receivers are told "unpublish", as when it is taken down; when
it becomes public again, "publish".
"""

import logging
from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageLogEntry, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

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


def is_restricted(page):
    """Whether a view restriction on the page or a page above it keeps it from the public."""
    return PageViewRestriction.objects.filter(page__in=page.get_ancestors(inclusive=True)).exists()


def story_published(sender, instance, **kwargs):
    # Wagtail also sends page_published when it schedules a revision for
    # later; the story is not live yet, and the real publication will tell.
    if not instance.live or is_restricted(instance):
        return
    create_deliveries(instance, publication_event(instance))


def story_unpublished(sender, instance, **kwargs):
    # A restricted story was never sent, or receivers were told "unpublish"
    # when it became restricted; telling them again would describe it.
    if is_restricted(instance):
        return
    create_deliveries(instance, Event.UNPUBLISH)


def restriction_saved(sender, instance, created, raw=False, **kwargs):
    """A new restriction hides the live stories at and below its page that were public until now.

    Editing a restriction (another password, other groups) changes nothing
    for receivers: the stories were hidden already.
    """
    # `raw`: loaded from a fixture, where the pages may not be in place yet.
    if raw or not created or not Webhook.objects.subscribed_to(Event.UNPUBLISH).exists():
        return
    page = instance.page
    others = PageViewRestriction.objects.exclude(pk=instance.pk)
    if others.filter(page__in=page.get_ancestors(inclusive=True)).exists():
        return
    for story in live_stories_under(page, others):
        create_deliveries(story, Event.UNPUBLISH)


def live_stories_under(page, restrictions):
    """The live stories at and below `page` that none of `restrictions` inside it hides."""
    stories = ArticlePage.objects.live().descendant_of(page, inclusive=True)
    for path in restrictions.filter(page__path__startswith=page.path).values_list("page__path", flat=True):
        stories = stories.exclude(path__startswith=path)
    return stories


def restriction_deleted(sender, instance, **kwargs):
    """A removed restriction shows its stories again: "publish" for those now public.

    Looked up once the change is saved: deleting a page deletes its
    restrictions too, and its stories, gone by then, must not be announced.
    """
    path = Page.objects.filter(pk=instance.page_id).values_list("path", flat=True).first()
    if path is not None:
        transaction.on_commit(partial(announce_public_stories, path), robust=True)


def announce_public_stories(path):
    if not Webhook.objects.subscribed_to(Event.PUBLISH).exists():
        return
    for story in ArticlePage.objects.live().public().filter(path__startswith=path):
        create_deliveries(story, Event.PUBLISH)


def page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    """A page moved in or out of a restricted section takes its live stories with it."""
    hidden_before = is_restricted(parent_page_before)
    if hidden_before == is_restricted(parent_page_after):
        return
    if hidden_before:
        # Only the stories no restriction of their own still hides.
        announce_public_stories(instance.path)
        return
    if not Webhook.objects.subscribed_to(Event.UNPUBLISH).exists():
        return
    for story in live_stories_under(instance, PageViewRestriction.objects.all()):
        create_deliveries(story, Event.UNPUBLISH)


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
    post_save.connect(restriction_saved, sender=PageViewRestriction, dispatch_uid="webhooks-restriction-saved")
    post_delete.connect(restriction_deleted, sender=PageViewRestriction, dispatch_uid="webhooks-restriction-deleted")
    # Any page type: moving a section moves its stories.
    post_page_move.connect(page_moved, dispatch_uid="webhooks-page-moved")
