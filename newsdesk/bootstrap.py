"""Bring a database to a working site: migrations, static files, home page, admin."""

import os
import secrets

import click
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command

from newsdesk.security.files import write_private_file
from newsdesk.stories.homepage import ensure_home_page


ADMIN_USERNAME = "admin"
ADMIN_EMAIL = "admin@localhost"


class WeakAdminPassword(click.ClickException):
    """NEWSDESK_ADMIN_PASSWORD fails the site's password validators.

    A ClickException: `newsdesk setup` and `newsdesk run` print its message
    and exit with status 1, without a traceback.
    """


def prepare_site(load_demo=True, echo=print):
    """Idempotent: running it again changes nothing that is already in place."""
    if os.environ.get("NEWSDESK_ADMIN_PASSWORD"):
        # Refused before anything changes, not after a long first migration.
        check_admin_password(os.environ["NEWSDESK_ADMIN_PASSWORD"])
    echo("Migrating the database…")
    call_command("migrate", interactive=False, verbosity=0)
    echo("Collecting static files…")
    call_command("collectstatic", interactive=False, verbosity=0)
    ensure_home_page()
    if load_demo:
        from newsdesk.demo.loader import load_demo as load, repoint_demo_sources

        count = load(echo=echo)
        if count:
            echo(f"Loaded the demo newsroom: {count} stories.")
        repoint_demo_sources()
    ensure_admin(echo)


def check_admin_password(password, user=None):
    """Refuse a NEWSDESK_ADMIN_PASSWORD that the site's password validators reject.

    The admin form applies the validators (length, common passwords, likeness
    to the username…) to every password typed there; a password given in
    the environment gets the same checks.
    """
    if user is None:
        user = get_user_model()(username=ADMIN_USERNAME, email=ADMIN_EMAIL)
    try:
        validate_password(password, user)
    except ValidationError as error:
        reasons = " ".join(error.messages)
        raise WeakAdminPassword(
            f"NEWSDESK_ADMIN_PASSWORD is too weak: {reasons} Choose a longer, less common password."
        ) from None


def ensure_admin(echo=print):
    """Create the admin account once; print how to log in every time."""
    user_model = get_user_model()
    password_file = settings.DATA_DIR / "admin_password"
    user = user_model.objects.filter(username=ADMIN_USERNAME).first()
    if user is None and user_model.objects.filter(is_superuser=True).exists():
        return
    if os.environ.get("NEWSDESK_ADMIN_PASSWORD"):
        check_admin_password(os.environ["NEWSDESK_ADMIN_PASSWORD"], user)
    if user is None:
        password = os.environ.get("NEWSDESK_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        user_model.objects.create_superuser(ADMIN_USERNAME, ADMIN_EMAIL, password)
        if not os.environ.get("NEWSDESK_ADMIN_PASSWORD"):
            # A file left by an earlier database holds a password nobody has now.
            password_file.unlink(missing_ok=True)
            write_private_file(password_file, password)
        echo(f"Created the admin account: user {ADMIN_USERNAME!r}, password {password!r}")
    elif os.environ.get("NEWSDESK_ADMIN_PASSWORD"):
        if not user.check_password(os.environ["NEWSDESK_ADMIN_PASSWORD"]):
            user.set_password(os.environ["NEWSDESK_ADMIN_PASSWORD"])
            user.save(update_fields=["password"])
        password_file.unlink(missing_ok=True)
        echo(f"Admin login: user {ADMIN_USERNAME!r} with NEWSDESK_ADMIN_PASSWORD.")
    elif password_file.exists() and user.check_password(password_file.read_text()):
        echo(f"Admin login: user {ADMIN_USERNAME!r}, password {password_file.read_text()!r}")
    else:
        echo(f"Admin login: user {ADMIN_USERNAME!r} with the password you set.")
