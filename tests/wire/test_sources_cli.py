"""`newsdesk sources …` and `newsdesk ingest --once`, through the command line."""

import pytest
from click.testing import CliRunner

from newsdesk.cli import main
from newsdesk.wire.models import Source, WireItem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def local_fetching(settings):
    # The demo's own wire sources (served by a running site) stay out of these tests.
    Source.objects.update(enabled=False)
    settings.NEWSDESK_FETCH_ALLOWED_NETWORKS = ("127.0.0.1/32",)
    settings.NEWSDESK_FETCH_PER_HOST_DELAY = 0.0


def run(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def test_add_a_feed_url_into_a_section(feed_server):
    result = run("sources", "add", feed_server.url("/rss.xml"), "--section", "business")
    assert result.exit_code == 0, result.output
    source = Source.objects.get(url=feed_server.url("/rss.xml"))
    assert source.section.slug == "business" and source.kind == "feed"
    assert "Harbour Gazette" in source.name


def test_add_a_page_url_discovers_its_feed(feed_server):
    result = run("sources", "add", feed_server.url("/news/"))
    assert result.exit_code == 0, result.output
    source = Source.objects.get(url__startswith=feed_server.base)
    assert source.kind == "feed" and source.url != feed_server.url("/news/")


def test_add_refuses_an_unknown_section_and_a_duplicate(feed_server):
    assert run("sources", "add", feed_server.url("/rss.xml"), "--section", "weather").exit_code != 0
    run("sources", "add", feed_server.url("/rss.xml"))
    again = run("sources", "add", feed_server.url("/rss.xml"))
    assert again.exit_code != 0 and "already" in again.output


def test_import_list_and_export_opml(feed_server, tmp_path):
    opml = tmp_path / "subscriptions.opml"
    opml.write_bytes(feed_server.saved("subscriptions.opml"))
    imported = run("sources", "import", str(opml))
    assert imported.exit_code == 0 and "Imported" in imported.output
    count = Source.objects.count()  # the demo's three sources and the imported ones
    assert count >= 5
    assert run("sources", "import", str(opml)).output.startswith("Imported 0 sources")
    listing = run("sources", "list").output
    assert all(source.name in listing for source in Source.objects.all())
    exported = run("sources", "export").output
    assert exported.count("xmlUrl=") == count


def test_ingest_once_polls_due_sources_and_prints_a_table(feed_server):
    Source.objects.create(name="Gazette", url=feed_server.url("/rss.xml"))
    Source.objects.create(name="Broken", url=feed_server.url("/missing.xml"))
    result = run("ingest", "--once")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()  # the progress bar goes to stderr
    assert lines[0].split()[:3] == ["source", "result", "new"]
    gazette = next(line for line in lines if line.startswith("Gazette"))
    assert gazette.split()[1:3] == ["ok", "3"]
    assert "failed: HTTP 404" in next(line for line in lines if line.startswith("Broken"))
    assert WireItem.objects.count() == 3
    assert "No source is due." in run("ingest", "--once").output
