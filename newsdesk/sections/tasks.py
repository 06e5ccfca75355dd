"""Background tasks of the sections app."""

from django_tasks import task


@task()
def retrain_if_due():
    """Retrain the site's model when enough new stories and choices have come in (training.retrain_if_due)."""
    from .training import retrain_if_due as retrain

    run = retrain()
    if run is None:
        return "not due"
    return {"accepted": run.accepted, "score": run.score, "previous_score": run.previous_score, "note": run.note}
