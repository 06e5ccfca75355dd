"""Fixtures shared by the whole suite: the demo newsroom and a running site."""

import os
import re
import shutil
import subprocess
import sys
import time

import httpx
import pytest

from tests.support import REPO_ROOT, free_port, newsdesk_command


# Fixtures whose tests run against databases and processes of their own (a
# site started with `newsdesk serve`, a worker, the race databases of
# tests/racing.py, which cover both backends by parameter): the same on either
# pass of `make test`, so the PostgreSQL pass leaves them out (-m "not own_site").
OWN_SITE_FIXTURES = {"site_environment", "running_site", "race_database", "race_sqlite"}


def pytest_collection_modifyitems(items):
    for item in items:
        if OWN_SITE_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.own_site)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the demo newsroom, loaded once for the session."""
    from newsdesk.bootstrap import ensure_home_page
    from newsdesk.demo.loader import load_demo

    with django_db_blocker.unblock():
        ensure_home_page()
        load_demo(echo=lambda *args: None)


@pytest.fixture(scope="session")
def site_environment(tmp_path_factory):
    """Environment for a newsdesk process of its own, in a fresh data folder."""
    data_dir = tmp_path_factory.mktemp("site-data")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NEWSDESK_", "DJANGO_"))
    }
    env.update(
        NEWSDESK_DATA_DIR=str(data_dir),
        NEWSDESK_SECURE_COOKIES="0",
        NEWSDESK_ADMIN_PASSWORD="correct-horse-battery",
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
    )
    return env


@pytest.fixture(scope="session")
def running_site(site_environment):
    """The demo site as `make run` serves it: set up, then `newsdesk serve` on a free port."""
    port = free_port()
    env = dict(site_environment, NEWSDESK_BASE_URL=f"http://127.0.0.1:{port}")
    subprocess.run(newsdesk_command("setup"), env=env, check=True, capture_output=True, timeout=600)
    server = subprocess.Popen(
        newsdesk_command("serve", "--port", str(port), "--workers", "2", "--threads", "4", "--no-access-log"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    # Generous: on a loaded two-core machine the first page may take a while.
    deadline = time.monotonic() + 300
    while True:
        try:
            if httpx.get(base_url + "/", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            pytest.fail("The site did not start within 300 seconds.")
        time.sleep(0.3)
    yield base_url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def reader_pages(running_site):
    """One URL of each kind of reader page on the running demo site."""
    home = httpx.get(running_site + "/").text
    article = re.search(r'<h2 id="lead-story-title" class="lead-headline"><a href="([^"]+)"', home).group(1)
    section = re.search(r'<nav class="sections-nav".*?<a href="([^"]+)"', home, re.S).group(1)
    article_html = httpx.get(running_site + article).text
    author = re.search(r'href="(/authors/[^"]+)"', article_html).group(1)
    tag = re.search(r'href="(/tags/[^"]+)"', article_html).group(1)
    return {
        "home": "/",
        "section": section,
        "article": article,
        "author": author,
        "tag": tag,
        "section page 2": section + "?page=2",
        "not found": "/no-such-page/",
        "search": "/search/?q=port+alder",
    }


SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS.exists() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_line(f"Screenshots of the reader pages: {SCREENSHOTS}")


@pytest.fixture(autouse=True)
def fresh_fragment_cache():
    """Each test starts with an empty cache: fragments cached by one test (Recent Posts, the
    navigation) must not outlive its rolled-back database into the next."""
    from django.core.cache import cache

    from newsdesk.pagecache.memo import forget_all

    cache.clear()
    forget_all()


# Debian's chromium, driven by playwright (never a browser playwright downloads).
# Here rather than in tests/browser/: other folders' tests drive it too, and
# a second session-wide playwright in the same run cannot start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks (the purges) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
