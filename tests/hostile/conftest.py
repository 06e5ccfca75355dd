"""Fixtures of the hostile-source suite: the hostile outlet, the runs against it, the site.

The whole suite shares one set of runs (``hostile_runs``): they are started
together the first time a test asks for them, and each test then checks
its own case. README.md beside this file lists the cases.
"""

import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

from tests.hostile import bombs, server as hostile_server_module
from tests.hostile.processes import MEASUREMENTS, MEMORY_LIMIT_MB, reap_site
from tests.hostile.scenarios import OUTCOMES, build_template, run_everything


def _prepare_payloads():
    # The bombs take a few seconds to make; made while the template is set up.
    bombs.brotli_bomb()
    bombs.gzip_of_gzip_bomb()
    bombs.gzip_of_brotli_bomb()
    hostile_server_module.many_hosts_feed()


@pytest.fixture(scope="session")
def hostile_server():
    """The hostile outlet, and a second origin it redirects to (``.other``)."""
    other = hostile_server_module.HostileServer().start()
    server = hostile_server_module.HostileServer(redirect_target=other.url("/good/feed.xml")).start()
    server.other = other
    yield server
    server.stop()
    other.stop()


@pytest.fixture(scope="session")
def hostile_runs(hostile_server):
    """Every hostile case run once through the newsdesk command, and the publishing site started.

    The data folders and command logs live in a folder of the suite's own
    (pytest's numbered temporary folders are pruned by other sessions),
    removed at the end unless HOSTILE_SUITE_KEEP_FILES is set.
    """
    root = Path(tempfile.mkdtemp(prefix="newsdesk-hostile-"))
    sites = []
    try:
        payloads = threading.Thread(target=_prepare_payloads, daemon=True)
        payloads.start()
        template = build_template(root, hostile_server)
        payloads.join()
        yield run_everything(hostile_server, template, root, sites)
    finally:
        for site in sites:
            reap_site(site)
        if os.environ.get("HOSTILE_SUITE_KEEP_FILES"):
            print(f"\nHostile suite files kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def pytest_terminal_summary(terminalreporter):
    if not MEASUREMENTS:
        return
    write = terminalreporter.write_line
    terminalreporter.section("hostile sources: newsdesk commands, time and peak memory")
    width = max(len(run.label) for run in MEASUREMENTS)
    write(f"{'run':<{width}}  {'exit':>9}  {'seconds':>7}  {'peak MB':>7}")
    for run in sorted(MEASUREMENTS, key=lambda run: run.label):
        state = "timed out" if run.timed_out else str(run.returncode)
        flag = "  OVER LIMIT" if run.peak_mb >= MEMORY_LIMIT_MB else ""
        write(f"{run.label:<{width}}  {state:>9}  {run.seconds:>7.1f}  {run.peak_mb:>7.0f}{flag}")
    if OUTCOMES:
        terminalreporter.section("hostile sources: what `newsdesk ingest` said of each")
        width = max(len(name) for name in OUTCOMES)
        for name, result in sorted(OUTCOMES.items()):
            write(f"{name:<{width}}  {result}")
