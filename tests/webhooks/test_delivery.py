import hashlib
import hmac
from datetime import datetime, timedelta, timezone

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from newsdesk.webhooks.delivery import attempt_delivery, retry_delay
from newsdesk.webhooks.models import Webhook, WebhookDelivery
from newsdesk.webhooks.tasks import deliver_webhook
from tests.support import free_port

pytestmark = pytest.mark.django_db

CLOCK = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def delivery(webhook):
    """A delivery not yet attempted, as the publishing signal leaves it."""
    return WebhookDelivery.objects.create(
        webhook=webhook, event="publish", story_id=1, payload={"event": "publish", "story": {"id": 1}}
    )


def test_signature_is_the_hmac_of_the_exact_body(receiver, webhook, new_story, publish):
    """X-Newsdesk-Signature is HMAC-SHA256 of the body bytes, keyed with the webhook's secret."""
    publish(new_story)
    [request] = receiver.requests
    expected = hmac.new(webhook.secret.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Newsdesk-Signature"] == f"sha256={expected}"
    wrong = hmac.new(b"another secret", request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Newsdesk-Signature"] != f"sha256={wrong}"


def test_each_webhook_gets_its_own_secret():
    """A new webhook's secret is generated: long, random, different for each."""
    first, second = Webhook(name="a", url="https://a.example"), Webhook(name="b", url="https://b.example")
    assert len(first.secret) == 64 and first.secret != second.secret


def test_server_errors_are_retried_until_given_up(receiver, webhook, new_story, publish, settings):
    """A receiver answering 500 is tried NEWSDESK_WEBHOOK_MAX_ATTEMPTS times, then given up.

    The test backend runs tasks at once, so the retries come without their
    back-off (test_back_off… checks the waits).
    """
    settings.NEWSDESK_WEBHOOK_MAX_ATTEMPTS = 3
    receiver.answers = [500]
    publish(new_story)
    assert len(receiver.requests) == 3
    assert len({r.headers["X-Newsdesk-Delivery"] for r in receiver.requests}) == 1
    for request in receiver.requests:
        expected = hmac.new(webhook.secret.encode(), request.body, hashlib.sha256).hexdigest()
        assert request.headers["X-Newsdesk-Signature"] == f"sha256={expected}"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("given_up", 3, 500)
    assert delivery.last_error == "The receiver answered 500 Internal Server Error"
    assert delivery.next_attempt_at is None


def test_a_retry_that_succeeds_delivers(receiver, webhook, new_story, publish):
    receiver.answers = [503, 500, 204]
    publish(new_story)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("delivered", 3, 204)
    assert delivery.last_error == "" and delivery.next_attempt_at is None


def test_back_off_doubles_from_30_seconds(receiver, delivery, settings):
    """Each failed attempt schedules the next one twice as far off, starting at 30 s; the sixth gives up."""
    settings.NEWSDESK_WEBHOOK_MAX_ATTEMPTS = 6
    receiver.answers = [500]
    now, waits = CLOCK, []
    for attempt in range(1, 6):
        attempt_delivery(delivery, now=now)
        assert (delivery.status, delivery.attempts) == ("failed", attempt)
        assert delivery.last_attempt_at == now
        waits.append(delivery.next_attempt_at - now)
        now = delivery.next_attempt_at
    assert waits == [timedelta(seconds=s) for s in (30, 60, 120, 240, 480)]
    attempt_delivery(delivery, now=now)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("given_up", 6, None)
    assert len(receiver.requests) == 6


def test_back_off_stops_growing_at_an_hour():
    assert [retry_delay(n).total_seconds() for n in range(1, 11)] == [
        30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600
    ]


def test_a_receiver_that_hangs_times_out(receiver, delivery, settings):
    """No answer within NEWSDESK_WEBHOOK_TIMEOUT counts as a failed attempt."""
    settings.NEWSDESK_WEBHOOK_TIMEOUT = 0.2
    receiver.answers = ["hang"]
    attempt_delivery(delivery, now=CLOCK)
    assert (delivery.status, delivery.last_response_code) == ("failed", None)
    assert delivery.last_error == "Timed out after 0.2 s"
    assert delivery.next_attempt_at == CLOCK + timedelta(seconds=30)


def test_a_refused_connection_is_a_failed_attempt(delivery):
    delivery.webhook.url = f"http://127.0.0.1:{free_port()}/gone"
    attempt_delivery(delivery, now=CLOCK)
    assert delivery.status == "failed" and delivery.last_error.startswith("Could not connect")


def test_private_and_loopback_receivers_are_refused_unless_allowed(receiver, delivery, settings):
    """Deliveries follow the wire desk's rule: no private address unless NEWSDESK_FETCH_ALLOWED_NETWORKS says so."""
    settings.NEWSDESK_FETCH_ALLOWED_NETWORKS = ()
    attempt_delivery(delivery, now=CLOCK)
    assert delivery.status == "failed" and "loopback address" in delivery.last_error
    assert receiver.requests == []


def test_redirects_are_not_followed(receiver, delivery):
    """A 3xx is not a delivery: the POST is not re-sent elsewhere, and the webhook's address needs fixing."""
    receiver.answers = [301]
    attempt_delivery(delivery, now=CLOCK)
    assert (delivery.status, delivery.last_response_code, len(receiver.requests)) == ("failed", 301, 1)


def test_the_task_never_raises(receiver, webhook, caplog):
    """A delivery that breaks in an unforeseen way is logged; the worker carries on."""
    broken = WebhookDelivery.objects.create(webhook=webhook, event="publish", story_id=1, payload={})
    result = deliver_webhook.enqueue(broken.pk)
    assert result.status == "SUCCESSFUL"
    assert f"Webhook delivery {broken.pk} failed unexpectedly" in caplog.text


def test_settled_or_missing_deliveries_are_not_sent(receiver, delivery):
    """A delivery queued twice, or whose webhook was deleted, sends nothing more."""
    delivery.status = WebhookDelivery.Status.DELIVERED
    delivery.save()
    deliver_webhook.call(delivery.pk)
    deliver_webhook.call(delivery.pk + 1000)
    assert receiver.requests == []


def test_retries_are_queued_for_their_time(receiver, delivery, settings):
    """With a backend that can wait, the retry is queued to run at next_attempt_at."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    receiver.answers = [500]
    deliver_webhook.call(delivery.pk)
    delivery.refresh_from_db()
    [queued] = deliver_webhook.get_backend().results
    assert queued.args == [delivery.pk]
    assert queued.task.run_after == delivery.next_attempt_at


def test_the_database_worker_delivers_and_retries(receiver, webhook, new_story, publish, settings, monkeypatch):
    """With the production queue: publishing queues the delivery, the worker sends it and queues the retry."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # Between tasks the worker closes connections it judges old; inside the
    # test's transaction that would end it (for real on PostgreSQL).
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    receiver.answers = [500, 200]
    publish(new_story)
    assert receiver.requests == []
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, len(receiver.requests)) == ("failed", 1)
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after == delivery.next_attempt_at
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    assert len(receiver.requests) == 1, "the retry waits for its time"
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=delivery.last_attempt_at)
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(receiver.requests)) == ("delivered", 2, 2)


def test_pausing_a_webhook_gives_up_its_waiting_retries(receiver, delivery):
    delivery.status = WebhookDelivery.Status.FAILED
    delivery.save()
    Webhook.objects.filter(pk=delivery.webhook_id).update(active=False)
    deliver_webhook.call(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("given_up", "The webhook was made inactive.")
    assert receiver.requests == []
