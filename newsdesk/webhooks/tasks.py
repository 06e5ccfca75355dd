"""The background task that sends webhook deliveries, and how they are queued."""

import logging

from django_tasks import task

from .models import WebhookDelivery

logger = logging.getLogger(__name__)

SETTLED = (WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.GIVEN_UP)


@task()
def deliver_webhook(delivery_id):
    """Attempt a delivery; queue its retry when it fails. Never raises.

    A receiver that is broken in some way nobody foresaw must cost one
    logged error, not a crashed worker or a task retried blindly.
    """
    # Imported here: the sending side (an HTTP client) is the worker's, and
    # web processes, which only queue deliveries, need not load it.
    from .delivery import attempt_delivery

    try:
        delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
        # Gone (its webhook was deleted) or already settled (queued twice).
        if delivery is None or delivery.status in SETTLED:
            return
        if not delivery.webhook.active:
            # Pausing a webhook stops its retries too: the receiver may be
            # paused precisely because it is being replaced.
            delivery.status = WebhookDelivery.Status.GIVEN_UP
            delivery.last_error = "The webhook was made inactive."
            delivery.next_attempt_at = None
            delivery.save()
            return
        attempt_delivery(delivery)
        if delivery.status == WebhookDelivery.Status.FAILED:
            enqueue_delivery(delivery)
    except Exception:
        logger.exception("Webhook delivery %s failed unexpectedly", delivery_id)


def enqueue_delivery(delivery):
    """Queue `delivery` to run at its next_attempt_at.

    Backends that cannot defer (the immediate one, used by tests) run it
    at once: a retry with no back-off beats a retry that never happens.
    """
    scheduled = deliver_webhook
    if delivery.next_attempt_at is not None and deliver_webhook.get_backend().supports_defer:
        scheduled = deliver_webhook.using(run_after=delivery.next_attempt_at)
    scheduled.enqueue(delivery.pk)
