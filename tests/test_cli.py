"""`newsdesk setup` and `newsdesk run`, as `make run` calls them."""

import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import httpx

from tests.support import free_port, newsdesk_command


def count(data_dir, sql):
    with sqlite3.connect(Path(data_dir) / "newsdesk.sqlite3") as db:
        return db.execute(sql).fetchone()[0]


def test_setup_twice_duplicates_nothing(running_site, site_environment):
    """The site fixture ran setup once; a second run adds no story, section or user."""
    data_dir = site_environment["NEWSDESK_DATA_DIR"]
    before = [
        count(data_dir, "SELECT COUNT(*) FROM wagtailcore_page"),
        count(data_dir, "SELECT COUNT(*) FROM wagtailimages_image"),
        count(data_dir, "SELECT COUNT(*) FROM auth_user"),
    ]
    result = subprocess.run(newsdesk_command("setup"), env=site_environment, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    after = [
        count(data_dir, "SELECT COUNT(*) FROM wagtailcore_page"),
        count(data_dir, "SELECT COUNT(*) FROM wagtailimages_image"),
        count(data_dir, "SELECT COUNT(*) FROM auth_user"),
    ]
    assert after == before
    assert count(data_dir, "SELECT COUNT(*) FROM stories_articlepage") >= 40
    assert "Admin login: user 'admin'" in result.stdout


def test_database_runs_in_wal_mode(running_site, site_environment):
    assert count(site_environment["NEWSDESK_DATA_DIR"], "PRAGMA journal_mode") == "wal"


def test_admin_account_takes_the_password_from_the_environment(running_site):
    """The admin logs in with NEWSDESK_ADMIN_PASSWORD, through the login form and its CSRF token."""
    with httpx.Client(base_url=running_site, follow_redirects=True) as client:
        form = client.get("/admin/login/")
        token = form.cookies.get("csrftoken") or client.cookies.get("csrftoken")
        response = client.post(
            "/admin/login/",
            data={"username": "admin", "password": "correct-horse-battery", "csrfmiddlewaretoken": token},
            headers={"Referer": running_site + "/admin/login/"},
        )
        assert response.url.path == "/admin/"
        assert "Dashboard" in response.text or "Welcome" in response.text


def test_login_without_csrf_token_is_refused(running_site):
    response = httpx.post(running_site + "/admin/login/", data={"username": "admin", "password": "x"})
    assert response.status_code == 403


def test_run_serves_the_site_and_worker_until_interrupted(running_site, site_environment):
    """`newsdesk run` starts the web server and the worker; Ctrl-C stops both."""
    port = free_port()
    process = subprocess.Popen(
        newsdesk_command("run", "--port", str(port), "--web-workers", "1"),
        env=site_environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, process.stdout.read()
            assert time.monotonic() < deadline, "newsdesk run did not serve within 120 s"
            time.sleep(0.5)
        children = subprocess.run(["pgrep", "-P", str(process.pid), "-a"], capture_output=True, text=True).stdout
        assert "serve" in children and "worker" in children
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "http://127.0.0.1:" in output
