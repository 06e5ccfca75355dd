"""The copies app's data: one fingerprint per story held, its band keys for look-up, what it copies, its cluster."""

from django.db import models
from django.utils import timezone


class Cluster(models.Model):
    """Other outlets' reports of one event, grouped (clusters.py); a story nobody else told has none."""

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Cluster {self.pk}"


class Fingerprint(models.Model):
    """A story's MinHash signature: a wire item's, or one of our own articles'.

    `copy_of` points at the earliest story this one copies (never at another
    copy: chains are followed to their start when the link is made), so the
    copies of a story are one look-up away from it.
    """

    wire_item = models.OneToOneField(
        "wire.WireItem", null=True, blank=True, on_delete=models.CASCADE, related_name="fingerprint"
    )
    article = models.OneToOneField(
        "stories.ArticlePage", null=True, blank=True, on_delete=models.CASCADE, related_name="fingerprint"
    )
    signature = models.BinaryField()
    shingle_count = models.PositiveIntegerField()
    copy_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    # The estimated share of the shorter story found in its original.
    containment = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The same story told by other outlets (clusters.py).
    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    # Sentence vectors (float32), computed once when the story is first
    # compared for clustering: later checks read them instead of encoding
    # every candidate again.
    english_vector = models.BinaryField(null=True, blank=True)
    multilingual_vector = models.BinaryField(null=True, blank=True)
    # What else a comparison reads of the story's opening, kept beside the
    # vectors for the same reason: whether it is English, and its names and
    # numbers (similarity.Story). None until the story is first compared.
    english = models.BooleanField(null=True, blank=True)
    entities = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(wire_item__isnull=False) | models.Q(article__isnull=False),
                name="fingerprint_of_something",
            ),
        ]

    def __str__(self):
        return f"Fingerprint of {self.story_title()}"

    def sig(self):
        """The stored signature as a minhash.Signature, read once while the field holds the same value."""
        kept = self.__dict__.get("_sig")
        # Clustering asks at every check for the same few hundred kept
        # fingerprints: the field's object itself tells it has not changed.
        if kept is None or kept[0] is not self.signature:
            # Imported here: numpy stays out of the web processes, which never compare.
            from .minhash import Signature

            kept = self.__dict__["_sig"] = (self.signature, Signature.from_bytes(bytes(self.signature),
                                                                                  self.shingle_count))
        return kept[1]

    def story_title(self):
        story = self.wire_item or self.article
        return story.title if story is not None else "a deleted story"

    def source_name(self):
        """Who published the story: the wire item's source, or the article's credited source, else our site."""
        if self.wire_item_id:
            return self.wire_item.source.name
        if self.article_id and self.article.source_name:
            return self.article.source_name
        return ""


class Band(models.Model):
    """One band key of a fingerprint: stories sharing a key are candidate copies.

    Kept in an indexed table rather than an in-memory LSH index, so every web
    and worker process shares it, nothing is rebuilt at start, and a look-up
    stays a few index probes at a million stories (benchmarks/stories.py).
    """

    key = models.BigIntegerField(db_index=True)
    fingerprint = models.ForeignKey(Fingerprint, on_delete=models.CASCADE, related_name="bands")

    def __str__(self):
        return f"{self.key} → {self.fingerprint_id}"
