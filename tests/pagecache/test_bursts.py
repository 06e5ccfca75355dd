"""A burst of readers right after a purge costs one render: the others wait for it, on the real server."""

import subprocess
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.support import newsdesk_command

READERS = 8


def purge_everything(site_environment, running_site):
    """Save the newsroom settings unchanged, from another process: every cached page is purged."""
    env = dict(site_environment, NEWSDESK_BASE_URL=running_site)
    code = "from newsdesk.branding.models import NewsroomSettings\nNewsroomSettings.objects.first().save()"
    done = subprocess.run(newsdesk_command("shell", "-c", code), env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_simultaneous_readers_of_a_purged_page_share_one_render(running_site, site_environment):
    url = running_site + "/world/"
    with httpx.Client(timeout=120) as client:
        client.get(url)
        assert client.get(url).headers["X-Page-Cache"] == "hit"
    purge_everything(site_environment, running_site)

    def read(_):
        with httpx.Client(timeout=120) as client:
            response = client.get(url)
            return response.status_code, response.headers["X-Page-Cache"], response.text

    with ThreadPoolExecutor(READERS) as pool:
        results = list(pool.map(read, range(READERS)))
    assert {status for status, _, _ in results} == {200}
    states = sorted(state for _, state, _ in results)
    assert states.count("miss") == 1, states
    assert states.count("hit") == READERS - 1, states
    assert len({text for _, _, text in results}) == 1
