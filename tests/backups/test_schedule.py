"""Scheduled backups: made by the worker's periodic job into NEWSDESK_BACKUP_DIR, the newest few kept."""

import time

import pytest

from newsdesk.backups.tasks import back_up_if_due, is_due, prune
from newsdesk.newsroom import periodic

pytestmark = pytest.mark.django_db


def test_the_worker_has_a_periodic_backup_job():
    assert "scheduled-backup" in {job.name for job in periodic.registered_jobs()}


def test_no_backup_dir_means_no_scheduled_backups(settings):
    settings.NEWSDESK_BACKUP_DIR = ""
    assert back_up_if_due.call() is None


def test_a_recent_backup_is_not_repeated_and_only_the_newest_are_kept(settings, tmp_path):
    """The next backup waits NEWSDESK_BACKUP_EVERY_HOURS from the newest; pruning keeps NEWSDESK_BACKUP_KEEP."""
    settings.NEWSDESK_BACKUP_DIR = str(tmp_path)
    settings.NEWSDESK_BACKUP_KEEP = 2
    settings.NEWSDESK_BACKUP_EVERY_HOURS = 24
    names = [f"newsdesk-20261101-0{hour}0000-000000.tar.gz" for hour in range(4)]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    other = tmp_path / "keep-me.tar.gz"  # not one of the scheduled backups
    other.write_bytes(b"")
    assert back_up_if_due.call() is None  # the newest was written just now
    assert sorted(path.name for path in prune(tmp_path)) == names[:2]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([*names[2:], other.name])
    assert is_due(tmp_path, now=time.time() + 25 * 3600)


def test_a_relative_backup_dir_is_refused_not_used(settings, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings.NEWSDESK_BACKUP_DIR = "backups"
    assert back_up_if_due.call() is None
    assert not (tmp_path / "backups").exists()
