"""Link each stored story to the story it copies: the wire pipeline's copy-detection stage and its queries."""

import logging

from django.db import transaction

from . import index
from .minhash import signature
from .models import Fingerprint
from .similarity import COPY_CONTAINMENT, MIN_COPY_SHINGLES

logger = logging.getLogger(__name__)


def prepare_item(item):
    """What copy detection and clustering compute of a wire item before storing it: (signature, features).

    The costly part (the sentence vector) runs here, outside any lock, and
    lands with the fingerprint: no check running at the same moment finds
    the item without it and encodes it a second time.
    """
    from .clusters import item_features

    try:
        return signature(item.text), item_features(item)
    except Exception:
        logger.exception("Preparing wire item %s for copy detection failed", item.pk)
        return None  # note_item works out the signature itself, and clustering the rest


def note_item(item, prepared=None):
    """Fingerprint a stored wire item and link it to the story it copies, if any.

    Called by the pipeline after each store or update, under its write
    lock, with what prepare_item computed; the item then joins its story's
    cluster (clusters.note_item). A failure here is logged and costs
    nothing else: the item is kept, just not linked.
    """
    try:
        story_signature, features = prepared or (signature(item.text), None)
        return note_story(story_signature, features=features, wire_item=item)
    except Exception:
        logger.exception("Copy detection failed for wire item %s", item.pk)
        return None


def note_article(article):
    """Fingerprint one of our own published articles, so copies of it on other outlets are found."""
    from newsdesk.stories.excerpts import plain_text

    text = "\n".join(plain_text(str(block.render())) for block in article.body)
    try:
        return note_story(signature(text), article=article)
    except Exception:
        logger.exception("Copy detection failed for article %s", article.pk)
        return None


@transaction.atomic
def note_story(story_signature, features=None, **owner):
    fingerprint = index.store(story_signature, features=features, **owner)
    if not fingerprint.just_created and fingerprint.copies.exists():
        return fingerprint  # an original stays one, so its copies never form a chain
    match, containment, original = None, 0.0, None
    # A line or two is found inside many stories without copying any.
    if story_signature.size >= MIN_COPY_SHINGLES:
        match, containment = index.best_match(story_signature, COPY_CONTAINMENT, exclude=fingerprint.pk,
                                              min_size=MIN_COPY_SHINGLES)
    if match is not None:
        original = Fingerprint.objects.get(pk=match.copy_of_id) if match.copy_of_id else match
        if original.pk == fingerprint.pk:
            original = None
    fingerprint.copy_of = original
    fingerprint.containment = containment if original is not None else None
    fingerprint.save(update_fields=["copy_of", "containment"])
    return fingerprint


def original_of(item):
    """The fingerprint of the story `item` copies, or None."""
    fingerprint = Fingerprint.objects.filter(wire_item=item).select_related(
        "copy_of__wire_item__source", "copy_of__article"
    ).first()
    return fingerprint.copy_of if fingerprint is not None else None


def published_original(item):
    """The story `item` copies when that story is already on our site (an article, or a published wire item)."""
    original = original_of(item)
    if original is None:
        return None
    if original.article_id and original.article.live:
        return original
    if original.wire_item_id and original.wire_item.article_id and original.wire_item.article.live:
        return original
    # Another copy of the same original may be the one we published.
    from newsdesk.wire.models import WireItem

    published = WireItem.objects.filter(fingerprint__copy_of=original, article__live=True).exclude(pk=item.pk)
    return original if published.exists() else None


def copies_of_article(article):
    """Wire items from other outlets that copy `article`, with how much of it each holds."""
    fingerprint = Fingerprint.objects.filter(article=article).first()
    roots = {fingerprint.copy_of_id or fingerprint.pk} if fingerprint is not None else set()
    # A story published from the wire copies the wire item it came from.
    from newsdesk.wire.models import WireItem

    roots |= set(Fingerprint.objects.filter(wire_item__article=article).values_list("pk", flat=True))
    roots |= set(Fingerprint.objects.filter(wire_item__article=article, copy_of__isnull=False)
                 .values_list("copy_of_id", flat=True))
    return (WireItem.objects.filter(fingerprint__copy_of__in=roots).exclude(article=article)
            .select_related("source", "fingerprint").order_by("-fetched_at"))
