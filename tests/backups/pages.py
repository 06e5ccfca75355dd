"""Rendering a site's reader pages in a newsdesk process of its own, to compare two sites."""

import json
import re
import subprocess

from tests.support import newsdesk_command

# Home, the first section in the navigation, the lead story, the first
# author: rendered through Django's test client in the site's own process.
RENDER = r"""
import json, re
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
home = client.get("/").content.decode()
urls = ["/"]
urls.append(re.search(r'<nav class="sections-nav".*?<a href="([^"]+)"', home, re.S).group(1))
urls.append(re.search(r'<h2 id="lead-story-title" class="lead-headline"><a href="([^"]+)"', home).group(1))
pages = {}
for url in urls:
    response = client.get(url)
    pages[url] = [response.status_code, response.content.decode()]
print(json.dumps(pages))
"""


# Ages in words ("27 minutes ago") move on between two renders; the exact
# time beside them (datetime="…") is still compared.
AGE = re.compile(r"(data-age>)[^<]*(</time>)")


def render_pages(env):
    """{url: [status, html]} for the home page, a section and an article of the site `env` points at."""
    result = subprocess.run(newsdesk_command("shell", "-c", RENDER), env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout.strip().splitlines()[-1])
    return {url: [status, AGE.sub(r"\1…\2", html)] for url, (status, html) in pages.items()}


def assert_same_pages(before, after):
    """Every page rendered before the backup renders, byte for byte, the same after the restore."""
    assert sorted(after) == sorted(before)
    for url, (status, html) in before.items():
        assert status == 200, url
        assert after[url] == [status, html], f"{url} differs after the restore"


def without_collecting_twice(env):
    """`env` with plain static file storage: a restore then copies static files without hashing and
    compressing each, and pages render the same on both sites."""
    return dict(env, NEWSDESK_STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage")


def newsdesk(env, *args, check=True):
    result = subprocess.run(newsdesk_command(*args), env=env, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result
