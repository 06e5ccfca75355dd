"""Sending one delivery: the signed POST, and what to do when it fails."""

import hashlib
import hmac
import json
import logging
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from django.utils import timezone

import newsdesk
from newsdesk import conf
from newsdesk.wire.fetching import AddressGuard, FetchError

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
    return min(FIRST_RETRY_DELAY * 2 ** (attempts - 1), LONGEST_RETRY_DELAY)


def signature(body, secret):
    """The X-Newsdesk-Signature value: HMAC-SHA256 of the exact body bytes."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def request_body(delivery, now):
    document = {"event": delivery.payload["event"], "sent_at": now.isoformat(timespec="seconds")}
    document["story"] = delivery.payload["story"]
    return json.dumps(document, ensure_ascii=False).encode()


def refuse_private_address(url):
    """Raise FetchError when the receiver is on a private or loopback address.

    Webhook addresses are typed in the admin; without this a delivery could
    be aimed at the database or another service on the local network. The
    networks NEWSDESK_FETCH_ALLOWED_NETWORKS names are allowed, as for the
    wire desk.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise FetchError("bad_url", f"Not an http(s) address: {url}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    AddressGuard(conf.get("NEWSDESK_FETCH_ALLOWED_NETWORKS")).check(parts.hostname, port)


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
    try:
        refuse_private_address(webhook.url)
        response = httpx.post(
            webhook.url,
            content=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": f"newsdesk-webhooks/{newsdesk.__version__}",
                "X-Newsdesk-Event": delivery.event,
                "X-Newsdesk-Delivery": str(delivery.pk),
                "X-Newsdesk-Signature": signature(body, webhook.secret),
            },
            timeout=conf.get("NEWSDESK_WEBHOOK_TIMEOUT"),
            # A redirect could turn the POST into a GET or send it elsewhere:
            # the receiver's address should be given as it is.
            follow_redirects=False,
        )
    except FetchError as error:
        delivery.last_response_code = None
        delivery.last_error = str(error)
    except httpx.HTTPError as error:
        delivery.last_response_code = None
        delivery.last_error = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    else:
        delivery.last_response_code = response.status_code
        if response.is_success:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.last_error = ""
            delivery.next_attempt_at = None
            delivery.save()
            return delivery
        delivery.last_error = f"The receiver answered {response.status_code} {response.reason_phrase}".strip()
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
