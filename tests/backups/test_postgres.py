"""Backup and restore on PostgreSQL (pg_dump and pg_restore): wiped, restored, the same pages.

Runs against the PostgreSQL server on 127.0.0.1 in a database of its own;
skipped where no server answers there.
"""

import os
import shutil
import uuid

import pytest

from tests.backups.pages import assert_same_pages, newsdesk, render_pages, without_collecting_twice

ADMIN_URL = os.environ.get("NEWSDESK_TEST_POSTGRES_URL", "postgres://newsdesk:newsdesk@127.0.0.1:5432/postgres")

psycopg = pytest.importorskip("psycopg")


@pytest.fixture
def database():
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"No PostgreSQL server at {ADMIN_URL}: {error}")
    name = f"newsdesk_backup_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')

    def wipe():
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')

    yield ADMIN_URL.rsplit("/", 1)[0] + "/" + name, wipe
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_backup_wipe_and_restore_on_postgresql(database, tmp_path):
    """After the database and the data folder are wiped, the restore brings back the same pages."""
    url, wipe = database
    env = {key: value for key, value in os.environ.items() if not key.startswith(("NEWSDESK_", "DJANGO_"))}
    env.update(
        DATABASE_URL=url,
        NEWSDESK_DATA_DIR=str(tmp_path / "site"),
        NEWSDESK_SECRET_KEY="backup-test-secret-key",
        NEWSDESK_SECURE_COOKIES="0",
        NEWSDESK_ADMIN_PASSWORD="correct-horse-battery",
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
    )
    env = without_collecting_twice(env)
    newsdesk(env, "setup")
    before = render_pages(env)
    archive = tmp_path / "site.tar"
    newsdesk(env, "backup", str(archive))

    wipe()
    shutil.rmtree(tmp_path / "site")
    newsdesk(env, "restore", str(archive))
    assert_same_pages(before, render_pages(env))
