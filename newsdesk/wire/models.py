"""The wire desk's data: sources, rules, items with their earlier versions, and the poll log."""

import hashlib
from datetime import timedelta

import regex

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Source(models.Model):
    """An outlet the desk pulls stories from: a feed, or a page of article links."""

    class Kind(models.TextChoices):
        FEED = "feed", "Feed (RSS, Atom, JSON Feed)"
        PAGE = "page", "Page of article links"

    name = models.CharField(max_length=200)
    url = models.URLField(max_length=1000, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FEED)
    section = models.ForeignKey(
        "stories.SectionPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Where this source's stories are filed unless a rule says otherwise.",
    )
    poll_interval = models.DurationField(default=timedelta(minutes=15))
    enabled = models.BooleanField(default=True)
    headers = models.JSONField(default=dict, blank=True, help_text="Extra request headers, e.g. an API key.")
    max_age_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Skip items older than this many days."
    )

    # Status, kept by the poller.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The poll lease (newsdesk/newsroom/leases.py): who polls it now, until when.
    locked_until = models.DateTimeField(null=True, blank=True)
    locked_by = models.CharField(max_length=200, blank=True)
    # When a poll task was queued for it; no second one is queued meanwhile.
    poll_queued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_failing(self):
        return self.consecutive_failures > 0

    def items_since(self, since):
        return self.items.filter(fetched_at__gte=since).count()

    def items_last_24_hours(self):
        return self.items_since(timezone.now() - timedelta(hours=24))

    def latest_poll(self):
        return self.polls.order_by("-started_at").first()


class Rule(models.Model):
    """What to do with an incoming item: publish it, hold it for review, or discard it.

    Rules of the item's source are tried first, then global rules (no
    source), each group in `position` order; the first that matches decides.
    An item no rule matches waits in the queue as "new".
    """

    class Action(models.TextChoices):
        PUBLISH = "publish", "Publish automatically"
        HOLD = "hold", "Hold for review"
        DISCARD = "discard", "Discard"

    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.CASCADE, related_name="rules",
        help_text="Empty: the rule applies to every source.",
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    words = models.CharField(
        max_length=500, blank=True, help_text="Comma-separated words; the rule matches when the title or text has any."
    )
    pattern = models.CharField(
        max_length=500, blank=True, help_text="A regular expression matched against the title and text."
    )
    section = models.ForeignKey(
        "stories.SectionPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="For “publish”: the section to publish into (default: the item's).",
    )
    class ClusterPolicy(models.TextChoices):
        ALL = "all", "Every outlet's report"
        FIRST = "first", "Only the first report of a story"
        BEST = "best", "Only the best report of a story, after a wait"

    position = models.PositiveIntegerField(default=0)
    enabled = models.BooleanField(default=True)
    cluster_policy = models.CharField(
        max_length=10, choices=ClusterPolicy.choices, default=ClusterPolicy.ALL,
        help_text="For “publish”: whether other outlets' reports of a story already published are published too, "
        "or the best of the reports that came in while the desk waited is published alone.",
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        scope = self.source.name if self.source_id else "all sources"
        match = self.words or self.pattern or "everything"
        return f"{self.get_action_display()} ({scope}): {match}"

    def clean(self):
        if self.pattern:
            # The engine that runs the rules (rules.py) checks the pattern.
            try:
                regex.compile(self.pattern)
            except regex.error as error:
                raise ValidationError({"pattern": f"Not a valid regular expression: {error}"})


def identity_key(identity):
    """A fixed-length key for an item identity (GUIDs and URLs can be very long)."""
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


class WireItem(models.Model):
    """One story from a source, as fetched, extracted and cleaned."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        HELD = "held", "Held"
        PUBLISHED = "published", "Published"
        DISCARDED = "discarded", "Discarded"
        FAILED = "failed", "Failed"

    class Stage(models.TextChoices):
        STORE = "store", "Storing the item"
        PAGE = "page", "Fetching the article page"
        RULES = "rules", "Applying the rules"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="items")
    identity = models.TextField(help_text="The feed's GUID, else the canonical URL.")
    identity_key = models.CharField(max_length=64, editable=False)
    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=500)
    author = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    html = models.TextField(blank=True, help_text="The story's cleaned HTML.")
    text = models.TextField(blank=True)
    language = models.CharField(max_length=20, blank=True)
    image_url = models.URLField(max_length=2000, blank=True)
    raw = models.JSONField(default=dict, blank=True, help_text="The item as the feed gave it.")
    content_hash = models.CharField(max_length=64, blank=True)
    from_feed_only = models.BooleanField(
        default=False, help_text="The article page could not be fetched; the text is the feed's own."
    )
    extraction_note = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    section = models.ForeignKey(
        "stories.SectionPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # How sure the section model was of `section` (newsdesk/sections), and
    # its three best sections as [[section id, probability], ...].
    section_confidence = models.FloatField(null=True, blank=True)
    section_suggestions = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    status_reason = models.CharField(max_length=500, blank=True)
    article = models.ForeignKey(
        "stories.ArticlePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The last failure while handling the item, and when it is tried again.
    error = models.TextField(blank=True, help_text="What went wrong the last time the item was handled.")
    error_stage = models.CharField(max_length=10, choices=Stage.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Failed attempts in a row.")
    retry_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # A new item a "best report" rule is waiting on (rules.py): when the
    # best of its cluster's waiting reports is published and the others held.
    decide_at = models.DateTimeField(
        null=True, blank=True, db_index=True,
        help_text="When the desk picks the best of this story's reports (a rule publishing only the best).",
    )

    class Meta:
        ordering = ["-fetched_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "identity_key"], name="wire_item_once_per_source"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.identity_key = identity_key(self.identity)
        super().save(*args, **kwargs)


class WireItemVersion(models.Model):
    """An earlier version of an item, kept when the source edits the story."""

    item = models.ForeignKey(WireItem, on_delete=models.CASCADE, related_name="versions")
    title = models.CharField(max_length=500)
    html = models.TextField(blank=True)
    text = models.TextField(blank=True)
    raw = models.JSONField(default=dict, blank=True)
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-replaced_at"]

    def __str__(self):
        return f"{self.title} (until {self.replaced_at:%Y-%m-%d %H:%M})"


class Poll(models.Model):
    """One poll of a source: the health view charts these."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="polls")
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    not_modified = models.BooleanField(default=False)
    new_items = models.PositiveIntegerField(default=0)
    updated_items = models.PositiveIntegerField(default=0)
    failed_items = models.PositiveIntegerField(default=0)
    skipped_items = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    notes = models.TextField(blank=True, help_text="Why items were skipped or failed, one reason a line.")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.source} at {self.started_at:%Y-%m-%d %H:%M}"


class BoilerplateBlock(models.Model):
    """A short block seen on a source's pages, and on how many: the source's furniture is on most of them.

    The row with the empty digest counts the source's pages themselves
    (newsdesk/wire/source_boilerplate.py keeps both).
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="boilerplate_blocks")
    digest = models.CharField(max_length=16, blank=True)
    pages = models.PositiveIntegerField(default=0)
    last_seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "digest"], name="wire_boilerplate_block_unique")]

    def __str__(self):
        return f"{self.digest or 'pages'} on {self.pages} pages of {self.source}"
