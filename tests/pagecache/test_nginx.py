"""nginx in front, as `newsdesk nginx-config` sets it up: cached pages from disk, purged at once.

Runs nginx (Debian's package; scripts/install-test-deps.sh installs it)
before the demo site of tests/conftest.py. A missing nginx fails the test:
it must never pass without having run.
"""

import shutil
import subprocess
import time

import httpx
import pytest

from tests.support import free_port, newsdesk_command

HEADLINE = "Night ferry service resumes across the bay"
# A first render draws image renditions: slow on a loaded two-core machine.
http = httpx.Client(timeout=120)


@pytest.fixture(scope="module")
def nginx_site(running_site, site_environment, tmp_path_factory):
    assert shutil.which("nginx"), "nginx is not installed: scripts/install-test-deps.sh installs it"
    prefix = tmp_path_factory.mktemp("nginx")
    port = free_port()
    env = dict(site_environment, NEWSDESK_BASE_URL=running_site)
    config = subprocess.run(
        newsdesk_command("nginx-config", "--listen", f"127.0.0.1:{port}", "--upstream",
                         running_site.removeprefix("http://"), "--standalone", str(prefix), "--workers", "1"),
        env=env, capture_output=True, text=True, check=True, timeout=120,
    ).stdout
    config_file = prefix / "nginx.conf"
    config_file.write_text(config)
    nginx = ["nginx", "-c", str(config_file), "-p", str(prefix)]
    subprocess.run([*nginx, "-t"], check=True, capture_output=True, timeout=30)
    subprocess.run(nginx, check=True, timeout=30)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + "/robots.txt", timeout=5)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, (prefix / "error.log").read_text()
                time.sleep(0.2)
        yield base
    finally:
        subprocess.run([*nginx, "-s", "quit"], timeout=30)


def directives(policy):
    """A Content-Security-Policy's directives, in any order (each process lists them its own way)."""
    return sorted(part.strip() for part in policy.split(";"))


def run_in_site(site_environment, running_site, code):
    env = dict(site_environment, NEWSDESK_BASE_URL=running_site)
    done = subprocess.run(newsdesk_command("shell", "-c", code), env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_nginx_answers_cached_pages_itself_with_the_sites_headers(nginx_site):
    first = http.get(nginx_site + "/world/")
    assert first.headers["X-Page-Cache"] in ("miss", "hit")  # rendered or answered by newsdesk
    second = http.get(nginx_site + "/world/", headers={"Accept-Encoding": "br"})
    assert "X-Page-Cache" not in second.headers  # nginx read the file
    assert second.headers["Content-Encoding"] == "br"
    assert second.text == first.text
    assert second.headers["Content-Type"] == "text/html; charset=utf-8"
    for header in ("X-Content-Type-Options", "Referrer-Policy", "Cache-Control"):
        assert second.headers[header] == first.headers[header], header
    assert directives(second.headers["Content-Security-Policy"]) == directives(first.headers["Content-Security-Policy"])
    feed = http.get(nginx_site + "/feeds/rss.xml")
    again = http.get(nginx_site + "/feeds/rss.xml")
    assert "X-Page-Cache" not in again.headers and again.content == feed.content
    assert again.headers["Content-Type"] == feed.headers["Content-Type"]


def test_editors_and_query_strings_go_to_newsdesk(nginx_site):
    http.get(nginx_site + "/world/")
    assert http.get(nginx_site + "/world/", headers={"Cookie": "sessionid=x"}).headers["X-Page-Cache"] == "bypass"
    assert "X-Page-Cache" in http.get(nginx_site + "/world/?page=1").headers


def test_a_publication_in_another_process_shows_through_nginx_at_once(nginx_site, site_environment, running_site):
    for _ in range(2):
        assert HEADLINE not in http.get(nginx_site + "/").text
        assert HEADLINE not in http.get(nginx_site + "/world/").text
    run_in_site(site_environment, running_site, f"""
from newsdesk.stories.models import ArticleAuthor, ArticlePage, Author, SectionPage
story = ArticlePage(title={HEADLINE!r}, slug="night-ferry-resumes", live=False, standfirst="Crossings start again tonight.")
story.article_authors = [ArticleAuthor(author=Author.objects.order_by("pk").first())]
SectionPage.objects.get(slug="world").add_child(instance=story)
story.save_revision().publish()
""")
    published = time.monotonic()
    for url in ("/", "/world/", "/feeds/rss.xml"):
        assert HEADLINE in http.get(nginx_site + url).text, url
    assert time.monotonic() - published < 5  # no waiting for a lifetime to run out
    story = http.get(nginx_site + "/world/night-ferry-resumes/")
    assert story.status_code == 200
    # Withdrawn again (the demo site is shared with other tests): gone at once too.
    run_in_site(site_environment, running_site, """
from newsdesk.stories.models import ArticlePage
ArticlePage.objects.get(slug="night-ferry-resumes").unpublish()
""")
    assert http.get(nginx_site + "/world/night-ferry-resumes/").status_code == 410
    for url in ("/", "/world/", "/feeds/rss.xml"):
        assert HEADLINE not in http.get(nginx_site + url).text, url
