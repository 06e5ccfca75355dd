"""The fingerprint index: store a story's signature and band keys, find the stories it may copy."""

from collections import Counter

from django.db import transaction

from .models import Band, Fingerprint

# At most this many candidates (those sharing the most bands first) are
# compared in full: a story shares bands with its copies, not with thousands
# of others, so this bounds the work a boilerplate-heavy text could cause.
MAX_CANDIDATES = 50


# What clustering keeps of a story's text (clusters.item_features).
FEATURES = ("english_vector", "multilingual_vector", "english", "entities")


@transaction.atomic
def store(signature, *, wire_item=None, article=None, features=None):
    """Save the fingerprint of a wire item or article (replacing an earlier one) with its band keys.

    `features` are what clustering reads of the story, worked out before
    (clusters.item_features); those not given are worked out at its check.
    """
    owner = {"wire_item": wire_item} if wire_item is not None else {"article": article}
    kept = {name: (features or {}).get(name) for name in FEATURES}
    fingerprint, created = Fingerprint.objects.get_or_create(
        **owner, defaults={"signature": signature.to_bytes(), "shingle_count": signature.size, **kept}
    )
    if not created:
        fingerprint.signature = signature.to_bytes()
        fingerprint.shingle_count = signature.size
        # What clustering kept of the old text gives way to the new text's.
        for name, value in kept.items():
            setattr(fingerprint, name, value)
        fingerprint.save(update_fields=["signature", "shingle_count", *FEATURES])
        fingerprint.bands.all().delete()
    if signature.size:
        Band.objects.bulk_create(Band(key=key, fingerprint=fingerprint) for key in signature.band_keys())
    fingerprint.just_created = created  # a row this transaction added: nothing points at it yet
    return fingerprint


def candidates(signature, exclude=None, limit=MAX_CANDIDATES):
    """Fingerprints sharing at least one band key with `signature`, most shared bands first."""
    if not signature.size:
        return []
    rows = Band.objects.filter(key__in=signature.band_keys())
    if exclude is not None:
        rows = rows.exclude(fingerprint_id=exclude)
    shared = Counter(rows.values_list("fingerprint_id", flat=True))
    wanted = [pk for pk, _ in shared.most_common(limit)]
    # Only what comparing and linking read: not the kept vectors and names.
    found = Fingerprint.objects.only("signature", "shingle_count", "copy_of").in_bulk(wanted)
    return [found[pk] for pk in wanted if pk in found]


def best_match(signature, threshold, exclude=None, min_size=0):
    """(fingerprint, containment) of the held story sharing most with this one, if at or above `threshold`.

    Stories of fewer than `min_size` shingles are passed over: a line is
    contained in any story that quotes it.
    """
    best, best_containment = None, threshold
    for fingerprint in candidates(signature, exclude=exclude):
        if fingerprint.shingle_count < min_size:
            continue
        containment = signature.containment(fingerprint.sig())
        if containment >= best_containment:
            best, best_containment = fingerprint, containment
    return (best, best_containment) if best is not None else (None, 0.0)
