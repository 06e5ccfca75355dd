import secrets

from django.db import models


def new_secret():
    return secrets.token_hex(32)


class Event(models.TextChoices):
    PUBLISH = "publish", "Publish"
    UPDATE = "update", "Update"
    UNPUBLISH = "unpublish", "Unpublish"


# Which Webhook field subscribes to which event: one place to look when an
# event is added, rather than field names built from event names.
EVENT_FIELDS = {Event.PUBLISH: "on_publish", Event.UPDATE: "on_update", Event.UNPUBLISH: "on_unpublish"}


class WebhookQuerySet(models.QuerySet):
    def subscribed_to(self, event):
        """Active webhooks that want `event`."""
        return self.filter(active=True, **{EVENT_FIELDS[event]: True})


class Webhook(models.Model):
    """A receiver that is sent a signed POST when a story is published, updated or unpublished."""

    name = models.CharField(max_length=100)
    url = models.URLField("URL", max_length=1000, help_text="Where the POST goes, e.g. https://example.org/hooks/news.")
    secret = models.CharField(
        max_length=200,
        default=new_secret,
        help_text="Signs each delivery (X-Newsdesk-Signature); give it to the receiver so it can check them.",
    )
    on_publish = models.BooleanField(
        "publish", default=True, help_text="A story becomes visible: first published, or back after an unpublish."
    )
    on_update = models.BooleanField(
        "update", default=True, help_text="A live story is published again (an edit, a correction)."
    )
    on_unpublish = models.BooleanField("unpublish", default=True, help_text="A story is taken down.")
    active = models.BooleanField(default=True, help_text="Inactive webhooks are sent nothing.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WebhookQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def events(self):
        return [event for event, field in EVENT_FIELDS.items() if getattr(self, field)]


class WebhookDelivery(models.Model):
    """One event sent to one webhook, with how its attempts went."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed, will retry"
        GIVEN_UP = "given_up", "Given up"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=20, choices=Event.choices)
    # Not a foreign key: the log outlives a deleted story.
    story_id = models.PositiveIntegerField()
    payload = models.JSONField(help_text="The event and the story as they were when it happened.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self):
        return f"{self.event} of story {self.story_id} to {self.webhook}"
