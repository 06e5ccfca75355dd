"""Story clusters: other outlets' reports of the same event, grouped as each wire item is stored.

A new item is scored (similarity.compare, the same-story score) against the
stories other sources filed in the last NEWSDESK_CLUSTER_HOURS, newest
first and at most MAX_CANDIDATES of them, so one check stays bounded
however busy the wire. It joins the cluster of its best match at or above
SAME_STORY_SIMILARITY; a copy joins its original's. A story nobody else told
has no cluster.

What a comparison reads of a story (its sentence vectors, whether it is
English, its names and numbers) is computed once and kept on its
fingerprint, so a check works out the new item's and reads the candidates';
their texts are read only where something is missing (docs/stories.md has
the cost). The scoring runs outside the write lock and any transaction: on
SQLite, where one process writes at a time (newsdesk/wire/writing.py), the
other polling threads keep storing while one item is compared.
"""

import logging
import threading
from collections import OrderedDict
from datetime import timedelta

import numpy as np
from django.db import transaction
from django.db.models.functions import Left
from django.utils import timezone

from newsdesk import conf
from newsdesk.wire.writing import serialised_writes

from . import meaning
from .models import Cluster, Fingerprint
from .reports import purge_reports
from .similarity import Story, char_counts, compare_many, is_english
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


def place(fingerprint, item):
    """The cluster `fingerprint` (of wire item `item`) belongs in, joined; None when it tells a story alone."""
    if fingerprint.cluster_id:
        return fingerprint.cluster  # an edited story stays where it was placed
    if fingerprint.copy_of_id:
        match_pk = fingerprint.copy_of_id
    else:
        match = best_match(fingerprint, item)
        if match is None:
            return None
        match_pk = match.pk
    with serialised_writes(), transaction.atomic():
        return join(fingerprint.pk, match_pk)


def join(pk, match_pk):
    """Put fingerprint `pk` in the cluster of fingerprint `match_pk`, started now if the match has none.

    Both rows are read again, locked (in key order, so two joins never
    wait on each other): another worker may have placed either since the
    scoring read them. A story already placed keeps its cluster.
    """
    rows = {row.pk: row for row in Fingerprint.objects.select_for_update().filter(pk__in=[pk, match_pk])
            .order_by("pk")}
    fingerprint, match = rows.get(pk), rows.get(match_pk)
    if fingerprint is None or match is None:
        return None  # deleted meanwhile
    if fingerprint.cluster_id:
        return fingerprint.cluster
    cluster = match.cluster
    if cluster is None:
        cluster = Cluster.objects.create()
        Fingerprint.objects.filter(pk=match.pk).update(cluster=cluster)
    Fingerprint.objects.filter(pk=fingerprint.pk).update(cluster=cluster)
    Cluster.objects.filter(pk=cluster.pk).update(updated_at=timezone.now())
    purge_reports(cluster)
    return cluster


def story_text(title, text):
    return f"{title}\n{text or ''}"[:TEXT_CHARS]


def candidates(fingerprint, item):
    """Other sources' stories of the last NEWSDESK_CLUSTER_HOURS, newest first, at most MAX_CANDIDATES.

    Each check reads the same recent stories as the one before it, give or
    take the newest: their fingerprints (with what was kept of them) come
    from this process's memory when their signature has not changed, and
    only the others, and each one's current cluster, from the database.
    """
    since = timezone.now() - timedelta(hours=conf.get("NEWSDESK_CLUSTER_HOURS"))
    rows = list(Fingerprint.objects.filter(wire_item__isnull=False, created_at__gte=since)
                .exclude(pk=fingerprint.pk).exclude(wire_item__source_id=item.source_id)
                .order_by("-created_at", "-pk").values_list("pk", "signature", "cluster_id")[:MAX_CANDIDATES])
    keys = [(pk, bytes(signature)) for pk, signature, _ in rows]
    with _recent_lock:
        found = {key: _recent.get(key) for key in keys}
    loaded = Fingerprint.objects.in_bulk([pk for (pk, _), kept in found.items() if kept is None])
    result = []
    for key, (pk, _, cluster_id) in zip(keys, rows):
        kept = found[key] or loaded.get(pk)
        if kept is None:
            continue  # deleted since
        kept.cluster_id = cluster_id
        result.append(kept)
    with _recent_lock:
        for key, kept in zip(keys, result):
            _recent[key] = kept
            _recent.move_to_end(key)
        while len(_recent) > RECENT_KEPT:
            _recent.popitem(last=False)
    return result


# Fingerprints of recent stories kept in memory by candidates(), by (primary
# key, signature): a few thousand, some 5 kB each.
RECENT_KEPT = 4 * MAX_CANDIDATES
_recent = OrderedDict()
_recent_lock = threading.Lock()


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


def item_features(item):
    """What a comparison reads of a new wire item: whether it is English, its names, and its own kind of vector.

    Its own kind is the vector its pairs with stories in its language read
    (vector_kind): computed here, before the item can be anyone's
    candidate. The other kind, for pairs across languages, is computed at
    the first check that needs it. A failing encoder costs only the vector.
    """
    text = story_text(item.title, item.text)
    english = is_english(text)
    features = {"english": english, "entities": sorted(entities(text))}
    kind = vector_kind(english, english)
    if kind is not None:
        try:
            vector = ENCODERS[kind]([text])[0]
            features[f"{kind}_vector"] = np.asarray(vector, dtype=np.float32).tobytes()
        except Exception:
            logger.exception("Encoding wire item %s failed", item.pk)
    return features


class Openings:
    """The opening (headline and first TEXT_CHARS) of each story compared, read from the database when first asked."""

    def __init__(self, fingerprints, item):
        self.fingerprints = fingerprints
        self.texts = {0: story_text(item.title, item.text)}

    def __getitem__(self, index):
        return self.texts[index]

    def load(self, indices):
        missing = {self.fingerprints[i].pk: i for i in indices if i not in self.texts}
        if not missing:
            return  # every check asks; kept candidates need nothing read
        rows = (Fingerprint.objects.filter(pk__in=missing)
                .values_list("pk", "wire_item__title", Left("wire_item__text", TEXT_CHARS)))
        for pk, title, opening in rows:
            self.texts[missing[pk]] = story_text(title, opening)
        for i in missing.values():
            self.texts.setdefault(i, "")


def parsed(fingerprint, field, parse):
    """`parse` of the fingerprint's `field`, or None when it is empty; kept on the instance while the field is.

    Kept fingerprints (candidates) meet check after check: their vectors
    and names are parsed once, not at every check.
    """
    data = getattr(fingerprint, field)
    if data is None or (isinstance(data, (bytes, memoryview)) and not len(data)):
        return None
    memo = fingerprint.__dict__.setdefault("_parsed", {})
    hit = memo.get(field)
    if hit is None or hit[0] is not data:
        hit = memo[field] = (data, parse(data))
    return hit[1]


def fill_features(fingerprints, openings, changed):
    """Give each fingerprint whether its story is English and its names and numbers, computed where not kept."""
    missing = [i for i, fingerprint in enumerate(fingerprints)
               if fingerprint.english is None or fingerprint.entities is None]
    openings.load(missing)
    for i in missing:
        fingerprints[i].english = is_english(openings[i])
        fingerprints[i].entities = sorted(entities(openings[i]))
        changed[i].update({"english", "entities"})


def fill_vectors(fingerprints, openings, wanted, changed):
    """Give each fingerprint the vectors `wanted[i]` names: kept ones read, missing ones encoded."""
    vectors = [{} for _ in fingerprints]
    for kind, encode in ENCODERS.items():
        field = f"{kind}_vector"
        missing = []
        for i, fingerprint in enumerate(fingerprints):
            if kind not in wanted[i]:
                continue
            kept = parsed(fingerprint, field, lambda data: np.frombuffer(bytes(data), dtype=np.float32))
            if kept is not None:
                vectors[i][kind] = kept
            else:
                missing.append(i)
        if not missing:
            continue
        openings.load(missing)
        for i, vector in zip(missing, encode([openings[i] for i in missing])):
            vector = np.asarray(vector, dtype=np.float32)
            vectors[i][kind] = vector
            setattr(fingerprints[i], field, vector.tobytes())
            changed[i].add(field)
    return vectors


def keep(fingerprints, changed):
    """Save what was computed for the fingerprints, so the next check reads it."""
    by_fields = {}
    for i, fields in enumerate(changed):
        if fields:
            by_fields.setdefault(tuple(sorted(fields)), []).append(fingerprints[i])
    if by_fields:
        with serialised_writes():
            for fields, rows in by_fields.items():
                Fingerprint.objects.bulk_update(rows, fields)


def best_match(fingerprint, item):
    """The candidate telling the same story as `item` with the highest similarity, or None."""
    rows = candidates(fingerprint, item)
    if not rows:
        return None
    fingerprints = [fingerprint, *rows]
    openings = Openings(fingerprints, item)
    changed = [set() for _ in fingerprints]
    fill_features(fingerprints, openings, changed)
    english = [fp.english for fp in fingerprints]
    # What a pair reads depends only on the two languages: worked out once per check, not per candidate.
    pair_kinds = {(english[0], other): (vector_kind(english[0], other), needs_chars(english[0], other))
                  for other in set(english[1:])}
    wanted = [set() for _ in fingerprints]
    for i in range(1, len(fingerprints)):
        kind = pair_kinds[english[0], english[i]][0]
        if kind is not None:
            wanted[0].add(kind)
            wanted[i].add(kind)
    vectors = fill_vectors(fingerprints, openings, wanted, changed)
    # Character n-grams cost most after the vectors, and only the blends
    # for a missing encoder read them.
    chars = None
    if any(chars_needed for _, chars_needed in pair_kinds.values()):
        openings.load(range(len(fingerprints)))
        chars = char_counts([openings[i] for i in range(len(fingerprints))])
    keep(fingerprints, changed)
    stories = [Story(fp.sig(), parsed(fp, "entities", frozenset), english[i], chars[i] if chars is not None else None,
                     vectors[i])
               for i, fp in enumerate(fingerprints)]
    best, best_similarity = None, -1.0
    for row, comparison in zip(rows, compare_many(stories[0], stories[1:])):
        if comparison.same_story and comparison.similarity > best_similarity:
            best, best_similarity = row, comparison.similarity
    return best
