"""/healthz says the process is alive; /readyz says whether the services it needs answer."""

import json
import subprocess
import sys

import pytest
from django.test import override_settings

from tests.support import REPO_ROOT

from .support import clean_environment

# Nothing listens here: the port range of these tests, its last port kept closed.
CLOSED = "127.0.0.1:18499"

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_the_database_or_a_slash_redirect(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"
    assert "X-Page-Cache" not in response


@override_settings(
    ALLOWED_HOSTS=["news.example.org"], SECURE_SSL_REDIRECT=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_probes_over_plain_http_by_address_are_answered_not_redirected(client):
    """A load balancer calls the process at its address over HTTP: no HTTPS redirect, no 400 for the host."""
    for path in ("/healthz", "/readyz"):
        response = client.get(path, HTTP_HOST="10.0.0.7:8000")
        assert response.status_code == 200, path
    # The rest of the site still redirects and checks the host.
    assert client.get("/", HTTP_HOST="news.example.org").status_code == 301
    assert client.get("/", secure=True, HTTP_HOST="10.0.0.7:8000").status_code == 400


def test_readyz_names_every_part_when_all_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "ready": True, "failing": [], "checks": {"database": "ok", "cache": "ok", "queue": "ok"},
    }


def test_readyz_is_503_naming_the_cache_when_redis_is_down(client):
    redis_cache = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": f"redis://{CLOSED}/0"}}
    with override_settings(CACHES=redis_cache):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["ready"] is False and body["failing"] == ["cache"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"].startswith("failing: ")
    # The body names the kind of error, never the address behind it.
    assert CLOSED.split(":")[1] not in response.content.decode()


PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client()
answers = {}
for path in ("/healthz", "/readyz"):
    response = client.get(path)
    answers[path] = [response.status_code, response.content.decode()]
print(json.dumps(answers))
"""


def test_with_postgresql_and_redis_down_healthz_is_200_and_readyz_503_naming_all_three(tmp_path):
    """The production configuration with nothing listening: the process is alive, and not ready."""
    env = clean_environment(
        tmp_path,
        SECRET_KEY="readiness-test-" + "k" * 50,
        DATABASE_URL=f"postgres://newsdesk:newsdesk@{CLOSED}/newsdesk",
        REDIS_URL=f"redis://{CLOSED}/0",
        ALLOWED_HOSTS="news.example.org",
        NEWSDESK_BEHIND_TLS_PROXY="1",
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["/healthz"] == [200, "ok\n"]
    status, body = answers["/readyz"]
    assert status == 503
    assert json.loads(body)["failing"] == ["database", "cache", "queue"]
