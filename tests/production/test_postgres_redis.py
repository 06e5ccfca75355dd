"""Production mode: PostgreSQL, Redis, several web and worker processes.

Runs the real commands against the PostgreSQL and Redis servers on
127.0.0.1 (scripts/install-test-deps.sh installs and starts them where
none runs), in a database and a Redis number of its own (conftest.py).
test_polling_exact.py counts the polls, test_worker_killed.py kills a worker.
"""

import subprocess
import time

import httpx

from tests.support import free_port, newsdesk_command
from tests.wire.conftest import FeedServer

COUNT_ITEMS = """
from newsdesk.wire.models import Source, WireItem
from django.db.models import Count
print(WireItem.objects.count(), Source.objects.filter(last_success_at__isnull=False).count(),
      WireItem.objects.values("source", "identity_key").annotate(n=Count("pk")).filter(n__gt=1).count())
"""


def shell(env, code):
    result = subprocess.run(newsdesk_command("shell", "-c", code), env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_site_and_workers_on_postgres_and_redis(production_site):
    """Setup on PostgreSQL (conftest.py), two web processes, two RQ workers sharing the wire desk."""
    environment = production_site.environment
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
