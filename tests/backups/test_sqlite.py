"""Backup and restore on SQLite: a site restored into an empty data folder serves the same pages."""

import json
import tarfile

from tests.backups.pages import assert_same_pages, newsdesk, render_pages, without_collecting_twice


def test_backup_then_restore_into_an_empty_site_serves_the_same_pages(running_site, site_environment, tmp_path):
    """Home, a section and an article render the same on the restored site; media and models come back."""
    source = without_collecting_twice(site_environment)
    before = render_pages(source)
    archive = tmp_path / "site.tar.gz"
    newsdesk(source, "backup", str(archive))

    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
        names = opened.getnames()
    assert manifest["database"]["engine"] == "sqlite"
    assert manifest["counts"]["stories"] > 0
    assert "database.sqlite3" in names
    assert manifest["media_files"] == sum(name.startswith("media/") for name in names) > 0

    # The "wiped" site: a new, empty data folder, as on a new machine.
    restored = dict(source, NEWSDESK_DATA_DIR=str(tmp_path / "restored"))
    newsdesk(restored, "restore", str(archive))
    assert_same_pages(before, render_pages(restored))
    media = tmp_path / "restored" / "media"
    assert sum(path.is_file() for path in media.rglob("*")) == manifest["media_files"]

    # A second restore would replace a site that has stories: refused without --force.
    refused = newsdesk(restored, "restore", str(archive), check=False)
    assert refused.returncode == 1
    assert "--force" in refused.stderr

    # A story deleted after the backup is back after a forced restore, page included.
    lead = list(before)[2]  # home, section, article
    newsdesk(restored, "shell", "-c",
             f"from wagtail.models import Page; Page.objects.get(url_path__endswith={lead!r}).specific.delete()")
    assert render_pages(restored).get(lead, [None])[0] != 200
    newsdesk(restored, "restore", "--force", str(archive))
    assert render_pages(restored) == before
