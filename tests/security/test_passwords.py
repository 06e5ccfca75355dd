"""Password storage and the admin password given in the environment."""

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.test import override_settings

from newsdesk import settings as production_settings
from newsdesk.bootstrap import ADMIN_USERNAME, WeakAdminPassword, ensure_admin
from tests.support import newsdesk_command

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_production_settings_hash_with_argon2_first():
    """newsdesk.settings puts Argon2 first (the tests' own settings use a fast hasher)."""
    assert production_settings.PASSWORD_HASHERS[0] == ARGON2


def test_argon2_hashes_and_checks_passwords():
    """argon2-cffi is installed: Django can hash with Argon2 and check the result."""
    with override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS):
        encoded = make_password("a long enough passphrase")
        assert encoded.startswith("argon2$argon2id$")
        assert check_password("a long enough passphrase", encoded)
        assert not check_password("another passphrase", encoded)


def test_the_running_site_stores_the_admin_password_with_argon2(running_site, site_environment):
    database = Path(site_environment["NEWSDESK_DATA_DIR"]) / "newsdesk.sqlite3"
    with sqlite3.connect(database) as db:
        (encoded,) = db.execute("SELECT password FROM auth_user WHERE username = 'admin'").fetchone()
    assert encoded.startswith("argon2$")


@pytest.mark.parametrize("password", ["password", "admin123", "short"])
def test_setup_refuses_a_weak_admin_password(tmp_path, site_environment, password):
    """`newsdesk setup` stops with the validators' reasons before it touches the database."""
    env = dict(site_environment, NEWSDESK_DATA_DIR=str(tmp_path / "data"), NEWSDESK_ADMIN_PASSWORD=password)
    result = subprocess.run(newsdesk_command("setup"), env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "NEWSDESK_ADMIN_PASSWORD is too weak" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data" / "newsdesk.sqlite3").exists()


@pytest.mark.django_db
def test_a_weak_password_does_not_replace_the_admins(monkeypatch, django_user_model):
    """Given to an existing admin account, a weak password is refused and the old one kept."""
    django_user_model.objects.filter(username=ADMIN_USERNAME).delete()
    admin = django_user_model.objects.create_superuser(ADMIN_USERNAME, "admin@localhost", "correct-horse-battery")
    monkeypatch.setitem(os.environ, "NEWSDESK_ADMIN_PASSWORD", "password1")
    with pytest.raises(WeakAdminPassword, match="too common"):
        ensure_admin(echo=lambda *args: None)
    admin.refresh_from_db()
    assert admin.check_password("correct-horse-battery")
