from django.db import models


class PeriodicLease(models.Model):
    """Who may next run a periodic job, and from when.

    Any number of workers tick at once; a job is claimed by the one whose
    conditional UPDATE moves `run_after` forward first, so it runs once per
    interval however many workers there are.
    """

    name = models.CharField(max_length=100, primary_key=True)
    run_after = models.DateTimeField()
    holder = models.CharField(max_length=200, blank=True)
    last_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "periodic job"

    def __str__(self):
        return self.name
