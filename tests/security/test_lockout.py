"""Login lock-out through the real login forms of the running site (`newsdesk serve`, production settings).

Each test locks out an account of its own, so the admin account the other
tests log in with is never locked.
"""

import subprocess

import httpx
import pytest

from tests.security.support import post_login
from tests.support import newsdesk_command

FAILURE_LIMIT = 5  # NEWSDESK_LOGIN_FAILURE_LIMIT's default
PASSWORD = "lock-out-test-passphrase"


def create_superuser(site_environment, username):
    env = dict(site_environment, DJANGO_SUPERUSER_PASSWORD=PASSWORD)
    subprocess.run(
        newsdesk_command("createsuperuser", "--noinput", "--username", username, "--email", f"{username}@localhost"),
        env=env, check=True, capture_output=True, timeout=300,
    )


@pytest.fixture
def client(running_site):
    with httpx.Client(base_url=running_site, timeout=30) as client:
        yield client


@pytest.mark.parametrize("login_path", ["/admin/login/", "/django-admin/login/"])
def test_too_many_wrong_passwords_lock_the_account_out(running_site, site_environment, client, login_path):
    """After five wrong passwords the right one is refused too, with a page that says why."""
    username = "locked-" + login_path.strip("/").split("/")[0]
    create_superuser(site_environment, username)
    for attempt in range(1, FAILURE_LIMIT):
        response = post_login(client, login_path, username, "wrong password")
        assert response.status_code == 200, attempt  # the form again, with its error
        assert 'name="password"' in response.text
    response = post_login(client, login_path, username, "wrong password")
    assert response.status_code == 429
    response = post_login(client, login_path, username, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed logins" in response.text
    assert "Try again in 15 minutes" in response.text
    assert "sessionid" not in client.cookies


def test_a_lock_out_binds_one_username_from_one_address(running_site, site_environment, client):
    """Another account logs in from the same address while the first is locked."""
    create_superuser(site_environment, "locked-neighbour")
    for _ in range(FAILURE_LIMIT):
        post_login(client, "/admin/login/", "locked-neighbour", "wrong password")
    assert post_login(client, "/admin/login/", "locked-neighbour", PASSWORD).status_code == 429
    with httpx.Client(base_url=running_site, timeout=30) as other:
        create_superuser(site_environment, "unlocked-neighbour")
        response = post_login(other, "/admin/login/", "unlocked-neighbour", PASSWORD)
        assert response.status_code == 302 and response.headers["location"] == "/admin/"


def test_a_successful_login_clears_the_count(running_site, site_environment, client):
    create_superuser(site_environment, "forgetful")
    for _ in range(FAILURE_LIMIT - 1):
        post_login(client, "/admin/login/", "forgetful", "wrong password")
    assert post_login(client, "/admin/login/", "forgetful", PASSWORD).status_code == 302
    client.cookies.clear()
    for _ in range(FAILURE_LIMIT - 1):
        assert post_login(client, "/admin/login/", "forgetful", "wrong password").status_code == 200
    assert post_login(client, "/admin/login/", "forgetful", PASSWORD).status_code == 302


def test_an_administrator_unlocks_an_account(running_site, site_environment, client):
    """`newsdesk axes_reset_username` lifts the lock at once."""
    create_superuser(site_environment, "unlock-me")
    for _ in range(FAILURE_LIMIT):
        post_login(client, "/admin/login/", "unlock-me", "wrong password")
    assert post_login(client, "/admin/login/", "unlock-me", PASSWORD).status_code == 429
    subprocess.run(
        newsdesk_command("axes_reset_username", "unlock-me"),
        env=site_environment, check=True, capture_output=True, timeout=300,
    )
    assert post_login(client, "/admin/login/", "unlock-me", PASSWORD).status_code == 302
