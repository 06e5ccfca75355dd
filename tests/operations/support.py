"""The environment of a newsdesk process of these tests' own: nothing inherited that configures a site."""

import os

# Variables that configure a site under their common names, beside every NEWSDESK_… one.
SITE_VARIABLES = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL", "SENTRY_DSN",
                  "PROMETHEUS_MULTIPROC_DIR"}


def clean_environment(data_dir, **variables):
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("NEWSDESK_", "DJANGO_")) and key not in SITE_VARIABLES
    }
    env.update(DJANGO_SETTINGS_MODULE="newsdesk.settings", NEWSDESK_DATA_DIR=str(data_dir), **variables)
    return env
