"""Scheduled backups: one every NEWSDESK_BACKUP_EVERY_HOURS into NEWSDESK_BACKUP_DIR, the newest
NEWSDESK_BACKUP_KEEP kept."""

import logging
import time
from datetime import datetime, timezone
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django_tasks import task

from newsdesk import conf
from newsdesk.environment import parse_path

logger = logging.getLogger(__name__)

# Scheduled backups are named by their time, so names sort as dates do and
# files an operator puts in the folder are never taken for ours.
PREFIX = "newsdesk-"
SUFFIX = ".tar.gz"


def backup_dir():
    """The folder for scheduled backups, or None when they are off."""
    value = conf.get("NEWSDESK_BACKUP_DIR")
    if not value:
        return None
    return parse_path(str(value), "NEWSDESK_BACKUP_DIR")


def scheduled_backups(folder):
    """Our backups in `folder`, oldest first."""
    return sorted(path for path in Path(folder).glob(f"{PREFIX}*{SUFFIX}") if path.is_file())


def is_due(folder, now=None):
    backups = scheduled_backups(folder)
    if not backups:
        return True
    age = (now or time.time()) - backups[-1].stat().st_mtime
    return age >= conf.get("NEWSDESK_BACKUP_EVERY_HOURS") * 3600


def prune(folder):
    """Delete all but the newest NEWSDESK_BACKUP_KEEP scheduled backups; return the deleted paths."""
    keep = max(1, conf.get("NEWSDESK_BACKUP_KEEP"))
    backups = scheduled_backups(folder)
    deleted = backups[:-keep]
    for path in deleted:
        path.unlink(missing_ok=True)
    return deleted


def back_up_now(folder):
    from .archive import create_backup

    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
    path = Path(folder) / f"{PREFIX}{stamp}{SUFFIX}"
    create_backup(path, echo=lambda *args: None)
    prune(folder)
    return path


@task()
def back_up_if_due():
    """Make a scheduled backup when the newest one is old enough; return its path, or None."""
    try:
        folder = backup_dir()
    except ImproperlyConfigured:
        logger.error("Scheduled backups are off: NEWSDESK_BACKUP_DIR must be an absolute path.")
        return None
    if folder is None or not is_due(folder):
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path = back_up_now(folder)
    logger.info("Backed up the site to %s", path)
    return str(path)
