"""What a web process loads: no PostgreSQL driver on a SQLite site, no metrics library with metrics off,
no numpy for reader pages."""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support import REPO_ROOT, free_port, newsdesk_command

PROBE = """
import json, sys
import newsdesk.wsgi
print(json.dumps({name: sys.modules.get(name) is not None for name in ("psycopg", "prometheus_client")}))
"""


def loaded_by_web_process(tmp_path, **variables):
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "REDIS_URL", "NEWSDESK_METRICS", "DJANGO_SETTINGS_MODULE")}
    env.update(NEWSDESK_DATA_DIR=str(tmp_path), **variables)
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_sqlite_site_with_metrics_off_loads_neither_driver_nor_metrics(tmp_path):
    assert loaded_by_web_process(tmp_path) == {"psycopg": False, "prometheus_client": False}


def test_a_postgresql_site_with_metrics_on_loads_both(tmp_path):
    pytest.importorskip("psycopg")
    # Nothing connects while the process starts, so no server is needed here.
    loaded = loaded_by_web_process(tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:9/none",
                                   NEWSDESK_METRICS="on")
    assert loaded == {"psycopg": True, "prometheus_client": True}


def worker_processes(port):
    """The pids of the `newsdesk serve --port PORT` process and every process under it."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            parents[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), command)
    roots = {pid for pid, (_, command) in parents.items()
             if b"serve" in command and b"--port" in command and str(port).encode() in command}
    found, added = set(roots), True
    while added:
        added = {pid for pid, (parent, _) in parents.items() if parent in found and pid not in found}
        found |= added
    return found


def test_reader_pages_load_no_numpy_or_postgresql_driver_in_the_web_workers(running_site, site_environment):
    """The demo site as `make run` sets it up, served by workers of its own that only readers have used
    (the session's running site also serves the admin, whose section suggestions need numpy):
    home, an article (with its "Also reported by"), a section and a feed."""
    port = free_port()
    server = subprocess.Popen(newsdesk_command("serve", "--port", str(port), "--no-access-log"),
                              env=site_environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        home = wait_for_home(base, server)
        article = re.search(r'<h2 id="lead-story-title" class="lead-headline"><a href="([^"]+)"', home).group(1)
        for path in (article, "/feeds/rss.xml", "/world/"):
            assert httpx.get(base + path, timeout=30).status_code == 200
        pids = worker_processes(port)
        assert len(pids) >= 3  # granian's main process and its two workers
        for pid in pids:
            libraries = Path(f"/proc/{pid}/maps").read_text()
            assert "numpy" not in libraries and "psycopg" not in libraries, f"process {pid} loaded numpy or psycopg"
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for_home(base, server, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            response = httpx.get(base + "/", timeout=5)
            if response.status_code == 200:
                return response.text
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"newsdesk serve did not answer within {timeout} s")
