"""The backup archive: one tar file with a manifest, the database, the media and the trained models.

Layout inside the archive:

    manifest.json        format, newsdesk version, date, database engine, counts
    database.sqlite3     or database.pgdump (databases.py)
    media/…              uploaded images and documents, as under MEDIA_ROOT
    sections/…           the section models the site trained (data folder)

Not in it: the secret key (set SECRET_KEY in production; a new key only
logs everyone out), static files (collected again by the restore) and the
page cache (rebuilt as readers ask).
"""

import io
import json
import os
import shutil
import tarfile
import tempfile
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from . import databases
from .databases import BackupError

FORMAT = 1
MANIFEST = "manifest.json"


def newsdesk_version():
    try:
        return version("newsdesk")
    except PackageNotFoundError:
        return "unknown"


def counts():
    """What the site holds, to put in the manifest and to check a restore against."""
    from django.contrib.auth import get_user_model
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Page

    from newsdesk.stories.models import ArticlePage
    from newsdesk.wire.models import Source, WireItem

    return {
        "pages": Page.objects.count(),
        "stories": ArticlePage.objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "sources": Source.objects.count(),
        "wire_items": WireItem.objects.count(),
        "users": get_user_model().objects.count(),
    }


def local_media_root():
    """MEDIA_ROOT when uploads are files on this machine; None when they live in a bucket."""
    backend = settings.STORAGES["default"]["BACKEND"]
    if backend == "django.core.files.storage.FileSystemStorage":
        return Path(settings.MEDIA_ROOT)
    return None


def models_dir():
    from newsdesk.sections.modelfile import model_dir

    return model_dir()


def create_backup(path, echo=print):
    """Write the whole site to the archive `path` (.tar, or compressed with .tar.gz); return its manifest.

    The archive is written beside `path` under a temporary name and renamed
    when complete, so a half-written backup never looks like a backup.
    """
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    media_root = local_media_root()
    with tempfile.TemporaryDirectory(prefix=".newsdesk-backup-", dir=path.parent) as work:
        dump_file = Path(work) / "database"
        echo("Copying the database…")
        kind = databases.dump(dump_file)
        manifest = {
            "format": FORMAT,
            "newsdesk_version": newsdesk_version(),
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "database": {"engine": kind, "file": databases.DUMP_NAMES[kind]},
            "counts": counts(),
            "media": "files" if media_root else "remote",
            "media_files": 0,
            "model_files": 0,
        }
        partial = Path(work) / "archive"
        with tarfile.open(partial, "w:gz" if path.name.endswith((".gz", ".tgz")) else "w") as archive:
            archive.add(dump_file, arcname=databases.DUMP_NAMES[kind])
            if media_root is not None:
                echo("Adding the media…")
                manifest["media_files"] = add_folder(archive, media_root, "media")
            manifest["model_files"] = add_folder(archive, models_dir(), "sections")
            add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
        os.chmod(partial, 0o600)  # it holds password hashes and every unpublished draft
        os.replace(partial, path)
    return manifest


def add_folder(archive, folder, name):
    """Add the files under `folder` as `name/…`; return how many."""
    added = 0
    if not folder.is_dir():
        return added
    for root, directories, files in os.walk(folder):
        directories.sort()
        for file_name in sorted(files):
            file_path = Path(root) / file_name
            if file_path.is_symlink() or not file_path.is_file():
                continue
            archive.add(file_path, arcname=f"{name}/{file_path.relative_to(folder).as_posix()}", recursive=False)
            added += 1
    return added


def add_bytes(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(datetime.now(timezone.utc).timestamp())
    archive.addfile(info, io.BytesIO(data))


def read_manifest(archive):
    try:
        member = archive.getmember(MANIFEST)
    except KeyError:
        raise BackupError("This file is not a newsdesk backup: it has no manifest.json.") from None
    manifest = json.load(archive.extractfile(member))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"This backup's format is {manifest.get('format')!r}; this newsdesk reads format {FORMAT}.")
    return manifest


def site_is_empty():
    """True when the site has no stories and no wire sources (or no tables yet)."""
    from django.db import connection

    from newsdesk.stories.models import ArticlePage
    from newsdesk.wire.models import Source

    tables = connection.introspection.table_names()
    if ArticlePage._meta.db_table not in tables:
        return True
    return not ArticlePage.objects.exists() and not Source.objects.exists()


def restore_backup(path, force=False, echo=print):
    """Replace the site with the backup at `path`; return the backup's manifest.

    Refuses a site that has stories or sources unless `force`: a restore
    replaces everything, and a mistyped data folder should not cost a newsroom.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    with tarfile.open(path, "r:*") as archive:
        manifest = read_manifest(archive)
        kind = manifest["database"]["engine"]
        current = databases.engine()
        if kind != current:
            raise BackupError(
                f"This backup holds a {kind} database and this site runs on {current}: restore it into a "
                f"site on {kind} (DATABASE_URL)."
            )
        if not force and not site_is_empty():
            raise BackupError(
                "This site already has stories or sources; a restore would replace them all. "
                "Run it again with --force to do that."
            )
        with tempfile.TemporaryDirectory(prefix=".newsdesk-restore-", dir=settings.DATA_DIR) as work:
            echo("Unpacking the backup…")
            archive.extractall(work, filter="data")
            echo("Restoring the database…")
            databases.load(Path(work) / manifest["database"]["file"], kind)
            media_root = local_media_root()
            if media_root is not None:
                replace_folder(Path(work) / "media", media_root)
            elif manifest.get("media_files"):
                echo("Media files in the backup are left out: this site keeps its media in a bucket.")
            replace_folder(Path(work) / "sections", models_dir())
    # A backup from an earlier newsdesk gets the migrations made since, and
    # a new machine the static files its pages link to.
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    forget_cached_pages()
    restored = counts()
    if restored != manifest["counts"]:
        raise BackupError(f"The restored site holds {restored}, the backup's manifest says {manifest['counts']}.")
    return manifest


def replace_folder(unpacked, target):
    """Make `target` hold exactly what the backup had (nothing, when the backup had none)."""
    target = Path(target)
    if target.exists():
        old = target.with_name(f".{target.name}.replaced")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
        shutil.rmtree(old, ignore_errors=True)
    if unpacked.is_dir():
        shutil.move(unpacked, target)  # a rename when both are on one file system
    else:
        target.mkdir(parents=True, exist_ok=True)


def forget_cached_pages():
    """Drop every cached page and fragment: none of them shows the restored site."""
    from newsdesk.pagecache.invalidation import EVERYTHING, purge
    from newsdesk.pagecache.memo import forget_all

    purge(EVERYTHING)  # bumps the content version, empties the page store, purges a CDN
    forget_all()
