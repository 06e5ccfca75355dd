"""Settings from the environment: one parser, clear errors, a data folder independent of the current folder."""

import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsdesk import services
from newsdesk.environment import env_bool, env_int, env_list, env_path, env_str
from tests.support import REPO_ROOT, newsdesk_command

PRINT_SETTINGS = """
import json
from django.conf import settings
from newsdesk import conf
print(json.dumps({
    "data_dir": str(settings.DATA_DIR),
    "database": settings.DATABASES["default"]["ENGINE"],
    "redis": settings.NEWSDESK_REDIS_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "tasks": settings.TASKS["default"]["BACKEND"],
    "secret": settings.SECRET_KEY,
    "hosts": settings.ALLOWED_HOSTS,
    "search": settings.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"],
    "email": [settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS],
    "poll_items": conf.get("NEWSDESK_POLL_MAX_ITEMS"),
}))
"""


def clean_environment(**values):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("NEWSDESK_", "DJANGO_"))}
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL", "SENTRY_DSN"):
        env.pop(name, None)
    env.update(DJANGO_SETTINGS_MODULE="newsdesk.settings", **values)
    return env


def settings_in_process(env, cwd):
    result = subprocess.run([sys.executable, "-c", PRINT_SETTINGS], env=dict(env, PYTHONPATH=str(REPO_ROOT)),
                            cwd=cwd, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_default_data_folder_does_not_depend_on_the_current_folder(tmp_path):
    """Run from any folder, a checkout's site lives in the checkout's var/, not in a new ./var."""
    env = clean_environment(NEWSDESK_SECRET_KEY="settings-test-key")
    seen = settings_in_process(env, cwd=tmp_path)
    assert seen["data_dir"] == str(REPO_ROOT / "var")
    assert not (tmp_path / "var").exists()


def test_production_variables_reach_the_settings(tmp_path):
    """REDIS_URL brings the Redis cache and the RQ task queue; the common names and newsdesk's own both apply."""
    env = clean_environment(
        NEWSDESK_DATA_DIR=str(tmp_path),
        REDIS_URL="redis://127.0.0.1:18599/3",
        SECRET_KEY="from-the-common-name",
        ALLOWED_HOSTS="news.example.org, www.news.example.org",
        EMAIL_URL="smtp://desk:secret@mail.example.org:587",
        NEWSDESK_POLL_MAX_ITEMS="50",
    )
    seen = settings_in_process(env, cwd=tmp_path)
    assert seen["data_dir"] == str(tmp_path)
    assert seen["database"] == "django.db.backends.sqlite3"
    assert seen["redis"] == "redis://127.0.0.1:18599/3"
    assert seen["cache"] == "django_redis.cache.RedisCache"
    assert seen["tasks"] == "django_tasks_rq.RQBackend"
    assert seen["secret"] == "from-the-common-name"
    assert seen["hosts"] == ["news.example.org", "www.news.example.org"]
    assert seen["search"] == "wagtail.search.backends.database"
    assert seen["email"] == ["django.core.mail.backends.smtp.EmailBackend", "mail.example.org", 587, True]
    assert seen["poll_items"] == 50

    # The older names still work.
    env = clean_environment(NEWSDESK_DATA_DIR=str(tmp_path), NEWSDESK_REDIS_URL="redis://127.0.0.1:18599/4",
                            NEWSDESK_SECRET_KEY="older-name", NEWSDESK_TASKS_BACKEND="django_tasks_db.DatabaseBackend")
    seen = settings_in_process(env, cwd=tmp_path)
    assert (seen["redis"], seen["secret"], seen["tasks"]) == (
        "redis://127.0.0.1:18599/4", "older-name", "django_tasks_db.DatabaseBackend"
    )


@pytest.mark.parametrize(
    "variables, message",
    [
        ({"NEWSDESK_DATA_DIR": "var"}, "NEWSDESK_DATA_DIR must be an absolute path, got 'var'"),
        ({"NEWSDESK_POLL_MAX_ITEMS": "many"}, "NEWSDESK_POLL_MAX_ITEMS must be a whole number, got 'many'"),
    ],
)
def test_a_bad_value_stops_the_command_with_one_clear_line(tmp_path, variables, message):
    env = clean_environment(**{"NEWSDESK_DATA_DIR": str(tmp_path), "NEWSDESK_SECRET_KEY": "k", **variables})
    result = subprocess.run(newsdesk_command("check"), env=env, cwd=tmp_path, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: {message}"


def test_the_parser_reads_each_kind_and_names_the_variable_it_cannot_read():
    environ = {"ON": "Yes", "OFF": "0", "N": " 12 ", "HOSTS": "a, b,,c", "EMPTY": "", "WHERE": "/srv/news"}
    assert env_bool("ON", False, environ=environ) is True
    assert env_bool("OFF", True, environ=environ) is False
    assert env_bool("EMPTY", True, environ=environ) is True
    assert env_int("N", 0, environ=environ) == 12
    assert env_list("HOSTS", [], environ=environ) == ["a", "b", "c"]
    assert str(env_path("WHERE", None, environ=environ)) == "/srv/news"
    assert env_str("NEW", "x", aliases=["OLD"], environ={"OLD": "y"}) == "y"
    with pytest.raises(ImproperlyConfigured, match="ON must be one of"):
        env_bool("ON", False, environ={"ON": "maybe"})
    with pytest.raises(ImproperlyConfigured, match="NEW and OLD are both set, to different values"):
        env_str("NEW", "", aliases=["OLD"], environ={"NEW": "a", "OLD": "b"})


def test_search_email_and_database_urls():
    import importlib.util

    if importlib.util.find_spec("opensearchpy") is None:
        with pytest.raises(ImproperlyConfigured, match=r"newsdesk\[opensearch\]"):
            services.search_backend("opensearch+https://desk:pw@search.internal/stories")
    else:
        search = services.search_backend("opensearch+https://desk:pw@search.internal/stories")
        assert search["BACKEND"] == "wagtail.search.backends.opensearch3"
        assert search["URLS"] == ["https://desk:pw@search.internal:9200"]
        assert search["INDEX"] == "stories"
    assert services.search_backend("")["BACKEND"] == "wagtail.search.backends.database"
    with pytest.raises(ImproperlyConfigured, match="NEWSDESK_SEARCH_URL must start with one of"):
        services.search_backend("solr://search.internal")
    assert services.email_from_url("smtps://desk:p%40ss@mail.example.org")["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert services.email_from_url("smtps://mail.example.org")["EMAIL_PORT"] == 465
    assert services.email_from_url("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL must start with one of"):
        services.email({"EMAIL_URL": "mailto:desk@example.org"})
    with pytest.raises(ImproperlyConfigured, match=r"DATABASE_URL cannot be read .*\*\*\*"):
        services.database("nosuchdb://user:topsecret@host/name")
    assert services.database("postgres://u:p@db.internal:5432/news")["HOST"] == "db.internal"


def test_optional_services_ask_for_their_extra_when_it_is_missing():
    """S3 media and Sentry name the extra to install instead of failing at the first upload or error."""
    import importlib.util

    if importlib.util.find_spec("storages") is None:
        with pytest.raises(ImproperlyConfigured, match=r"newsdesk\[s3\]"):
            services.media_storage({"NEWSDESK_S3_BUCKET": "news-media"})
    else:
        storage = services.media_storage({"NEWSDESK_S3_BUCKET": "news-media", "NEWSDESK_S3_REGION": "eu-west-1"})
        assert storage["OPTIONS"]["bucket_name"] == "news-media"
        assert storage["OPTIONS"]["querystring_auth"] is False
    assert services.media_storage({})["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    if importlib.util.find_spec("sentry_sdk") is None:
        with pytest.raises(ImproperlyConfigured, match=r"newsdesk\[sentry\]"):
            services.start_error_reporting({"SENTRY_DSN": "https://key@sentry.example.org/1"})
    assert services.start_error_reporting({}) is False
