"""/metrics: off by default, readable only from allowed networks (and with the token), and counting
responses, page-cache hits, the wire desk and the task queue."""

import pytest
from django.test import Client, override_settings
from prometheus_client.parser import text_string_to_metric_families

from newsdesk.wire.models import Source

pytestmark = pytest.mark.django_db


def samples(text):
    """{(name, ((label, value), ...)): value} from the exposition text."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client=None, **extra):
    response = (client or Client()).get("/metrics", **extra)
    assert response.status_code == 200, response.content
    return samples(response.content.decode())


def requests_with(values, status=None, cache=None):
    """The sum of newsdesk_http_requests_total over the samples with this status and page-cache outcome."""
    total = 0
    for (name, labels), value in values.items():
        labels = dict(labels)
        if name == "newsdesk_http_requests_total" and status in (None, labels["status"]) \
                and cache in (None, labels["cache"]):
            total += value
    return total


def test_metrics_are_off_by_default(client):
    assert client.get("/metrics").status_code == 404


@override_settings(NEWSDESK_METRICS=True)
def test_only_loopback_may_read_them_by_default():
    assert Client().get("/metrics").status_code == 200  # the test client calls from 127.0.0.1
    assert Client(REMOTE_ADDR="203.0.113.9").get("/metrics").status_code == 403
    # Through a proxy nobody told the site about, REMOTE_ADDR is the proxy's: refused.
    assert Client().get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403


@override_settings(
    NEWSDESK_METRICS=True, NEWSDESK_METRICS_ALLOWED_NETWORKS=("10.0.0.0/8",),
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_behind_the_tls_proxy_the_address_it_appended_counts():
    client = Client()  # REMOTE_ADDR 127.0.0.1: the proxy
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 200
    # The client can write the left of the header, not its right-most entry.
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3, 203.0.113.9").status_code == 403


@override_settings(NEWSDESK_METRICS=True, NEWSDESK_METRICS_TOKEN="s3cret-scrape-token")
def test_with_a_token_set_it_is_required_as_well():
    client = Client()
    refused = client.get("/metrics")
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token").status_code == 200
    outside = Client(REMOTE_ADDR="203.0.113.9")
    assert outside.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token").status_code == 403


@override_settings(NEWSDESK_METRICS=True)
def test_responses_are_counted_by_status_and_the_wire_desk_read_from_the_database():
    client = Client()
    before = scrape(client)
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/no-such-page/").status_code == 404
    client.get("/healthz")  # probes are not counted
    Source.objects.create(name="Broken", url="https://broken.example/feed", consecutive_failures=3)
    after = scrape(client)
    assert requests_with(after, "200") - requests_with(before, "200") == 1
    assert requests_with(after, "404") - requests_with(before, "404") == 1
    # The test settings turn the page cache off: reader pages are rendered and not stored.
    assert requests_with(after, "200", "bypass") - requests_with(before, "200", "bypass") == 1
    assert after[("newsdesk_wire_sources", (("state", "failing"),))] == 1
    assert ("newsdesk_wire_items", (("status", "published"),)) in after
    assert after[("newsdesk_metrics_database_up", ())] == 1


def page_cache(values, outcome):
    return requests_with(values, cache=outcome)


def test_page_cache_hits_304s_and_misses_are_counted(metered_site):
    before = samples(metered_site.get("/metrics").text)
    first = metered_site.get("/world/")
    second = metered_site.get("/world/")
    revalidated = metered_site.get("/world/", headers={"If-None-Match": second.headers["ETag"]})
    assert [r.headers["X-Page-Cache"] for r in (first, second)] == ["miss", "hit"]
    assert revalidated.status_code == 304  # answered from the cache too
    after = samples(metered_site.get("/metrics").text)
    assert page_cache(after, "miss") - page_cache(before, "miss") == 1
    assert page_cache(after, "hit") - page_cache(before, "hit") == 2
    assert requests_with(after, "200") - requests_with(before, "200") == 2
    assert requests_with(after, "304", "hit") - requests_with(before, "304", "hit") == 1


@override_settings(NEWSDESK_METRICS=True)
def test_task_waits_and_run_times_are_observed():
    from newsdesk.newsroom.tasks import publish_scheduled

    name = f"{publish_scheduled.module_path}"
    count = ("newsdesk_task_run_seconds_count", (("status", "successful"), ("task", name)))
    before = scrape().get(count, 0)
    publish_scheduled.enqueue()
    after = scrape()
    assert after[count] == before + 1
    assert after[("newsdesk_task_wait_seconds_count", (("task", name),))] >= 1


def test_a_multiprocess_folder_that_cannot_be_written_stops_the_start(monkeypatch, settings, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.NEWSDESK_METRICS = True
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "missing"))
    with pytest.raises(SystemCheckError, match="PROMETHEUS_MULTIPROC_DIR"):
        call_command("check")
    (tmp_path / "missing").mkdir()
    call_command("check")
