"""Production mode: PostgreSQL, Redis, several web and worker processes.

Runs the real commands against the PostgreSQL and Redis servers on
127.0.0.1 (scripts/install-test-deps.sh installs and starts them where
none runs), in a database and a Redis number of its own.
"""

import os
import subprocess
import sys
import time
import uuid

import httpx
import psycopg
import pytest
import redis

from tests.support import free_port, newsdesk_command
from tests.wire.conftest import FeedServer

ADMIN_URL = os.environ.get("NEWSDESK_TEST_POSTGRES_URL", "postgres://newsdesk:newsdesk@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("NEWSDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")

COUNT_ITEMS = """
from newsdesk.wire.models import Source, WireItem
from django.db.models import Count
print(WireItem.objects.count(), Source.objects.filter(last_success_at__isnull=False).count(),
      WireItem.objects.values("source", "identity_key").annotate(n=Count("pk")).filter(n__gt=1).count())
"""


@pytest.fixture(scope="module")
def database():
    name = f"newsdesk_e2e_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True)
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL is not reachable at {ADMIN_URL} ({error}); `make test` installs and starts it.")
    admin.execute(f'CREATE DATABASE "{name}"')
    yield ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture(scope="module")
def redis_db():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.ConnectionError as error:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({error}); `make test` installs and starts it.")
    yield REDIS_URL
    client.flushdb()


@pytest.fixture(scope="module")
def environment(database, redis_db, tmp_path_factory):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("NEWSDESK_", "DJANGO_"))}
    env.update(
        DATABASE_URL=database,
        NEWSDESK_REDIS_URL=redis_db,
        NEWSDESK_TASKS_BACKEND="django_tasks_rq.RQBackend",
        NEWSDESK_DATA_DIR=str(tmp_path_factory.mktemp("production")),
        NEWSDESK_SECURE_COOKIES="0",
        NEWSDESK_ADMIN_PASSWORD="production-test-password",
        NEWSDESK_FETCH_ALLOWED_NETWORKS="127.0.0.1/32",
        NEWSDESK_FETCH_PER_HOST_DELAY="0",
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
    )
    return env


def shell(env, code):
    result = subprocess.run(newsdesk_command("shell", "-c", code), env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_site_and_workers_on_postgres_and_redis(environment):
    """Setup on PostgreSQL, two web processes, two RQ workers sharing the wire desk."""
    setup = subprocess.run(newsdesk_command("setup"), env=environment, capture_output=True, text=True, timeout=600)
    assert setup.returncode == 0, setup.stderr
    feeds = FeedServer().start()
    port = free_port()
    processes = [
        subprocess.Popen(
            newsdesk_command("serve", "--port", str(port), "--workers", "2", "--no-access-log"),
            env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    ]
    try:
        shell(environment, f"""
from newsdesk.wire.models import Source
for path in ["/rss.xml", "/atom.xml", "/rdf.xml", "/feed.json"]:
    Source.objects.create(name=path, url="{feeds.base}" + path)
print("ok")
""")
        processes += [
            subprocess.Popen(newsdesk_command("worker"), env=environment,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(2)
        ]
        deadline = time.monotonic() + 180
        while True:
            items, polled, duplicates = map(int, shell(environment, COUNT_ITEMS).split())
            if polled == 4 or time.monotonic() > deadline:
                break
            time.sleep(3)
        assert polled == 4, f"only {polled} of 4 sources polled within 180 s"
        assert items == 10 and duplicates == 0
        base = f"http://127.0.0.1:{port}"
        home = httpx.get(base + "/", timeout=30)
        assert home.status_code == 200 and "Recent Posts" in home.text
        assert httpx.get(base + "/search/?q=harbour", timeout=30).status_code == 200
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        feeds.stop()
