"""The sections app's data: editors' choices of section, and the log of training runs."""

from django.db import models
from django.utils import timezone


class SectionLabel(models.Model):
    """A story an editor filed by hand: its text and the section they chose.

    Published stories teach the model where stories go; these rows add the
    choices that never became a story in that section (a held wire item
    filed elsewhere) and weigh more, since they mark where the model erred.
    """

    class Origin(models.TextChoices):
        DESK = "desk", "Filed from the wire desk"
        CORRECTION = "correction", "Moved by an editor"

    text = models.TextField()
    section = models.ForeignKey("stories.SectionPage", on_delete=models.CASCADE, related_name="+")
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.DESK)
    # The section the model had chosen, when the editor chose another.
    suggested = models.ForeignKey(
        "stories.SectionPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.text[:60]} → {self.section_id}"


class TrainingRun(models.Model):
    """One retraining of the site's model, kept or refused."""

    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    examples = models.PositiveIntegerField(default=0)
    held_out = models.PositiveIntegerField(default=0, help_text="Stories kept aside to score the model.")
    score = models.FloatField(null=True, blank=True, help_text="The new model's accuracy on the held-out stories.")
    previous_score = models.FloatField(null=True, blank=True, help_text="The model in use, on the same stories.")
    accepted = models.BooleanField(default=False)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        verdict = "kept" if self.accepted else "refused"
        return f"Training at {self.started_at:%Y-%m-%d %H:%M} ({verdict})"
