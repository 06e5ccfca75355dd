"""Secrets in the data folder are readable by their owner only, from the moment they exist."""

import os
import stat
import subprocess
import sys
import threading

import pytest
from django.test import override_settings

from newsdesk.bootstrap import ADMIN_USERNAME, ensure_admin
from newsdesk.security.files import make_private_dir, write_private_file


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    """A umask that takes nothing away: any privacy must come from the code itself."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_private_file_is_born_0600(tmp_path, open_umask):
    write_private_file(tmp_path / "secret", "s3cret")
    assert mode(tmp_path / "secret") == 0o600
    assert (tmp_path / "secret").read_text() == "s3cret"
    assert [path.name for path in tmp_path.iterdir()] == ["secret"]  # no scratch file left


def test_private_file_never_replaces_an_existing_one(tmp_path):
    (tmp_path / "secret").write_text("first")
    with pytest.raises(FileExistsError):
        write_private_file(tmp_path / "secret", "second")
    assert (tmp_path / "secret").read_text() == "first"
    assert [path.name for path in tmp_path.iterdir()] == ["secret"]


def test_private_file_does_not_follow_a_planted_link(tmp_path):
    """A symbolic link placed where the secret goes is not written through."""
    target = tmp_path / "elsewhere"
    (tmp_path / "secret").symlink_to(target)
    with pytest.raises(FileExistsError):
        write_private_file(tmp_path / "secret", "s3cret")
    assert not target.exists()


def test_concurrent_writers_agree_on_one_content(tmp_path):
    """Processes starting together (the web server's workers) all end up reading one whole key."""
    results, errors = [], []

    def write(text):
        try:
            write_private_file(tmp_path / "key", text)
            results.append(text)
        except FileExistsError:
            errors.append(text)

    threads = [threading.Thread(target=write, args=(f"key-{n}" * 20,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(results) == 1 and len(errors) == 7
    assert (tmp_path / "key").read_text() == results[0]


def test_private_dir_is_0700(tmp_path, open_umask):
    make_private_dir(tmp_path / "var" / "data")
    assert mode(tmp_path / "var" / "data") == 0o700


def test_settings_create_the_data_dir_and_secret_key_private(tmp_path):
    """Loading the settings in a fresh place makes a 0700 folder and a 0600 secret key, whatever the umask."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("NEWSDESK_", "DJANGO_"))}
    env["NEWSDESK_DATA_DIR"] = str(tmp_path / "data")
    code = "from newsdesk import settings; print(settings.SECRET_KEY)"
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300, umask=0)
    assert first.returncode == 0, first.stderr
    assert mode(tmp_path / "data") == 0o700
    assert mode(tmp_path / "data" / "secret_key") == 0o600
    again = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300, umask=0)
    assert again.stdout == first.stdout and len(first.stdout.strip()) >= 50


def test_the_running_sites_data_dir_is_private(running_site, site_environment):
    data_dir = site_environment["NEWSDESK_DATA_DIR"]
    assert mode(os.path.join(data_dir, "secret_key")) == 0o600


@pytest.mark.django_db
def test_generated_admin_password_file_is_born_0600(tmp_path, monkeypatch, open_umask, django_user_model):
    monkeypatch.delenv("NEWSDESK_ADMIN_PASSWORD", raising=False)
    django_user_model.objects.filter(is_superuser=True).delete()
    django_user_model.objects.filter(username=ADMIN_USERNAME).delete()
    (tmp_path / "admin_password").write_text("left by an earlier database")
    with override_settings(DATA_DIR=tmp_path):
        ensure_admin(echo=lambda *args: None)
    password = (tmp_path / "admin_password").read_text()
    assert mode(tmp_path / "admin_password") == 0o600
    assert django_user_model.objects.get(username=ADMIN_USERNAME).check_password(password)
