"""Sending one delivery: the signed POST, and what to do when it fails.

The POST goes through the outbound client (newsdesk/outbound), as the wire
desk's fetches do: the receiver's address is checked where the connection
is made (no second lookup for DNS rebinding to answer differently), no
proxy is used, no redirect is followed, and the whole exchange has one
deadline. The receiver's answer body is never read: its status says it all.
"""

import hashlib
import hmac
import json
import logging
from datetime import timedelta

from django.utils import timezone

import newsdesk
from newsdesk import conf
from newsdesk.outbound import Client, FetchError, backoff
from newsdesk.outbound.configured import address_guard

from .models import WebhookDelivery

logger = logging.getLogger(__name__)

# The first retry waits 30 s and each later one twice as long as the last,
# so a receiver that is down for a deploy is not hammered; an hour is the
# longest wait, so one that is down all afternoon still hears within the hour
# after it comes back.
FIRST_RETRY_DELAY = timedelta(seconds=30)
LONGEST_RETRY_DELAY = timedelta(hours=1)


def retry_delay(attempts):
    """How long to wait after the `attempts`-th failed attempt."""
    return backoff(attempts, base=FIRST_RETRY_DELAY, cap=LONGEST_RETRY_DELAY)


def signature(body, secret):
    """The X-Newsdesk-Signature value: HMAC-SHA256 of the exact body bytes."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def request_body(delivery, now):
    document = {"event": delivery.payload["event"], "sent_at": now.isoformat(timespec="seconds")}
    document["story"] = delivery.payload["story"]
    return json.dumps(document, ensure_ascii=False).encode()


def post(url, body, headers):
    """POST `body` to `url`: the receiver's status code and reason; FetchError when there is no answer.

    The networks and addresses NEWSDESK_FETCH_ALLOWED_NETWORKS and
    NEWSDESK_FETCH_ALLOWED_ADDRESSES name are allowed, as for the wire desk;
    every other private, loopback or link-local address is refused.
    """
    user_agent = f"newsdesk-webhooks/{newsdesk.__version__}"
    with Client(address_guard(), user_agent, timeout=conf.get("NEWSDESK_WEBHOOK_TIMEOUT")) as client:
        # A redirect could turn the POST into a GET or send it elsewhere: the
        # receiver's address should be given as it is, so a 3xx is an answer.
        with client.open("POST", url, headers, content=body) as response:
            return response.status, response.reason


def attempt_delivery(delivery, now=None):
    """Make one attempt at `delivery` and record how it went; `now` stands for the clock.

    A 2xx answer delivers it. Anything else (an error status, a refused
    connection, a timeout) schedules the next attempt by `retry_delay`, or
    gives up after NEWSDESK_WEBHOOK_MAX_ATTEMPTS attempts.
    """
    now = now or timezone.now()
    webhook = delivery.webhook
    body = request_body(delivery, now)
    delivery.attempts += 1
    delivery.last_attempt_at = now
    headers = {
        "Content-Type": "application/json",
        "X-Newsdesk-Event": delivery.event,
        "X-Newsdesk-Delivery": str(delivery.pk),
        "X-Newsdesk-Signature": signature(body, webhook.secret),
    }
    try:
        status, reason = post(webhook.url, body, headers)
    except FetchError as error:
        delivery.last_response_code = None
        delivery.last_error = str(error)
    else:
        delivery.last_response_code = status
        if 200 <= status < 300:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.last_error = ""
            delivery.next_attempt_at = None
            delivery.save()
            return delivery
        delivery.last_error = f"The receiver answered {status} {reason}".strip()
    if delivery.attempts >= conf.get("NEWSDESK_WEBHOOK_MAX_ATTEMPTS"):
        delivery.status = WebhookDelivery.Status.GIVEN_UP
        delivery.next_attempt_at = None
        logger.warning(
            "Gave up webhook delivery %s after %s attempts: %s", delivery.pk, delivery.attempts, delivery.last_error
        )
    else:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    delivery.save()
    return delivery
