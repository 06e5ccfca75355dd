"""With PROMETHEUS_MULTIPROC_DIR, any of several web processes reports what all of them counted."""

import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support import newsdesk_command

from .test_metrics import page_cache, requests_with, samples

PORT = 18410
READER_REQUESTS = 24


@pytest.fixture
def metered_server(site_environment, running_site, tmp_path):
    """`newsdesk serve --workers 2` on the demo site (set up by running_site), metrics on."""
    shared = tmp_path / "metrics"
    shared.mkdir()
    env = dict(
        site_environment, NEWSDESK_METRICS="1", PROMETHEUS_MULTIPROC_DIR=str(shared),
        NEWSDESK_BASE_URL=f"http://127.0.0.1:{PORT}",
    )
    server = subprocess.Popen(
        newsdesk_command("serve", "--port", str(PORT), "--workers", "2", "--threads", "2", "--no-access-log"),
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{PORT}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(base_url + "/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            pytest.fail("newsdesk serve did not start within 120 seconds.")
        time.sleep(0.2)
    yield base_url, shared
    server.terminate()
    server.wait(timeout=10)


def test_every_scrape_adds_up_both_processes(metered_server):
    base_url, shared = metered_server
    # A connection each, several at once, so that both processes take some.
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: httpx.get(base_url + "/", timeout=60).status_code, range(READER_REQUESTS)))
    assert statuses == [200] * READER_REQUESTS
    scrapes = [samples(httpx.get(base_url + "/metrics", timeout=30).text) for _ in range(4)]
    for values in scrapes:
        assert requests_with(values, "200") == READER_REQUESTS
        assert page_cache(values, "hit") + page_cache(values, "miss") == READER_REQUESTS
        assert page_cache(values, "hit") >= READER_REQUESTS - 8  # at most one render per waiting request
    # Each process keeps its counts in files of its own in the shared folder.
    assert len(list(shared.glob("counter_*.db"))) >= 2
