"""Story clusters: other outlets' reports of the same event, grouped as each wire item is stored.

A new item is scored (similarity.compare, the same-story score) against the
stories other sources filed in the last NEWSDESK_CLUSTER_HOURS, newest
first and at most MAX_CANDIDATES of them, so one check stays bounded
however busy the wire. It joins the cluster of its best match at or above
SAME_STORY_SIMILARITY; a copy joins its original's. A story nobody else told
has no cluster.

Sentence vectors are the costly part of a comparison; each story's are
computed once and kept on its fingerprint, so a check encodes the new item
and reads the candidates' (docs/stories.md has the cost).
"""

import logging
from datetime import timedelta

import numpy as np
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Left
from django.utils import timezone

from newsdesk import conf

from . import meaning
from .models import Cluster, Fingerprint
from .reports import purge_reports
from .similarity import Story, char_counts, compare, is_english
from .text import entities

logger = logging.getLogger(__name__)

# The most recent stories compared with a new one: a burst of wire copy
# must not make one check compare thousands of pairs.
MAX_CANDIDATES = 200
# A story's opening tells what it reports (the encoders read its first 128
# tokens or 1,000 characters); reading whole long features for 200
# candidates would cost more than it tells.
TEXT_CHARS = 5_000


def note_item(item):
    """Put a stored wire item in the cluster of the same story from other outlets, if one was filed.

    Called by the pipeline after copy detection (linking.note_item). A
    failure is logged and leaves the item unclustered, nothing more.
    """
    try:
        fingerprint = Fingerprint.objects.filter(wire_item=item).first()
        return place(fingerprint, item) if fingerprint is not None else None
    except Exception:
        logger.exception("Clustering failed for wire item %s", item.pk)
        return None


@transaction.atomic
def place(fingerprint, item):
    """The cluster `fingerprint` (of wire item `item`) belongs in, joined; None when it tells a story alone."""
    if fingerprint.cluster_id:
        return fingerprint.cluster  # an edited story stays where it was placed
    if fingerprint.copy_of_id:
        match = Fingerprint.objects.get(pk=fingerprint.copy_of_id)
    else:
        match = best_match(fingerprint, item)
    return join(fingerprint, match) if match is not None else None


def join(fingerprint, match):
    cluster = match.cluster
    if cluster is None:
        cluster = Cluster.objects.create()
        Fingerprint.objects.filter(pk=match.pk).update(cluster=cluster)
    fingerprint.cluster = cluster
    fingerprint.save(update_fields=["cluster"])
    Cluster.objects.filter(pk=cluster.pk).update(updated_at=timezone.now())
    purge_reports(cluster)
    return cluster


def story_text(title, text):
    return f"{title}\n{text or ''}"[:TEXT_CHARS]


def candidates(fingerprint, item):
    """Other sources' stories of the last NEWSDESK_CLUSTER_HOURS, newest first, at most MAX_CANDIDATES."""
    since = timezone.now() - timedelta(hours=conf.get("NEWSDESK_CLUSTER_HOURS"))
    rows = (Fingerprint.objects.filter(wire_item__isnull=False, created_at__gte=since)
            .exclude(pk=fingerprint.pk).exclude(wire_item__source_id=item.source_id)
            .select_related("cluster")
            .annotate(opening=Left("wire_item__text", TEXT_CHARS), headline=F("wire_item__title"))
            .order_by("-created_at", "-pk"))
    return list(rows[:MAX_CANDIDATES])


def vector_kind(a_english, b_english):
    """The sentence vector a pair's blend (similarity.BLENDS) reads, or None when no encoder is installed or wanted."""
    if not conf.get("NEWSDESK_CLUSTER_ENCODERS"):
        return None
    if a_english and b_english and meaning.english_available():
        return "english"
    if meaning.multilingual_available():
        return "multilingual"
    return "english" if meaning.english_available() else None


def needs_chars(a_english, b_english):
    """Whether the pair's blend reads character n-grams: only when its sentence encoder is not installed."""
    kind = vector_kind(a_english, b_english)
    return kind is None or (kind == "english" and not (a_english and b_english))


ENCODERS = {"english": meaning.english_vectors, "multilingual": meaning.multilingual_vectors}


def fill_vectors(fingerprints, texts, wanted):
    """Give each fingerprint the vectors `wanted[i]` names: kept ones read, missing ones encoded and kept."""
    vectors = [{} for _ in fingerprints]
    for kind, encode in ENCODERS.items():
        field = f"{kind}_vector"
        missing = []
        for i, fingerprint in enumerate(fingerprints):
            if kind not in wanted[i]:
                continue
            kept = getattr(fingerprint, field)
            if kept:
                vectors[i][kind] = np.frombuffer(bytes(kept), dtype=np.float32)
            else:
                missing.append(i)
        if not missing:
            continue
        for i, vector in zip(missing, encode([texts[i] for i in missing])):
            vector = np.asarray(vector, dtype=np.float32)
            vectors[i][kind] = vector
            setattr(fingerprints[i], field, vector.tobytes())
        Fingerprint.objects.bulk_update([fingerprints[i] for i in missing], [field])
    return vectors


def best_match(fingerprint, item):
    """The candidate telling the same story as `item` with the highest similarity, or None."""
    rows = candidates(fingerprint, item)
    if not rows:
        return None
    fingerprints = [fingerprint, *rows]
    texts = [story_text(item.title, item.text)] + [story_text(row.headline, row.opening) for row in rows]
    english = [is_english(text) for text in texts]
    wanted = [set() for _ in texts]
    for i in range(1, len(texts)):
        kind = vector_kind(english[0], english[i])
        if kind is not None:
            wanted[0].add(kind)
            wanted[i].add(kind)
    vectors = fill_vectors(fingerprints, texts, wanted)
    # Character n-grams cost most after the vectors, and only the blends
    # for a missing encoder read them.
    chars = char_counts(texts) if any(needs_chars(english[0], english[i]) for i in range(1, len(texts))) else None
    stories = [Story(fp.sig(), frozenset(entities(text)), english[i], chars[i] if chars is not None else None,
                     vectors[i])
               for i, (fp, text) in enumerate(zip(fingerprints, texts))]
    best, best_similarity = None, -1.0
    for row, story in zip(rows, stories[1:]):
        comparison = compare(stories[0], story)
        if comparison.same_story and comparison.similarity > best_similarity:
            best, best_similarity = row, comparison.similarity
    return best

