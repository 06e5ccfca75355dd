"""Logging in to the running site through its real login forms."""

import httpx

ADMIN_PASSWORD = "correct-horse-battery"  # tests/conftest.py site_environment


def post_login(client, login_path, username, password):
    """Submit `login_path`'s form as a browser would: its CSRF token, its Referer."""
    client.get(login_path)
    return client.post(
        login_path,
        data={"username": username, "password": password, "csrfmiddlewaretoken": client.cookies.get("csrftoken")},
        headers={"Referer": str(client.base_url.join(login_path))},
    )


def logged_in_client(base_url, username="admin", password=ADMIN_PASSWORD):
    client = httpx.Client(base_url=base_url, follow_redirects=True, timeout=30)
    response = post_login(client, "/admin/login/", username, password)
    assert response.url.path == "/admin/", response.text[:500]
    return client
