"""Django settings for newsdesk, read from the environment.

Every knob an operator turns is an environment variable named NEWSDESK_…
(plus DATABASE_URL, the common convention). The defaults give the laptop
mode: SQLite in ./var, the database task queue, local memory cache. The
application's own settings (NEWSDESK_… with a default and a help line) live
in newsdesk/conf.py.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

from newsdesk.conf import from_environment, parse_bool

PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return parse_bool(value)


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("NEWSDESK_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def load_secret_key():
    """Use NEWSDESK_SECRET_KEY, else a key generated once into the data folder."""
    if os.environ.get("NEWSDESK_SECRET_KEY"):
        return os.environ["NEWSDESK_SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = load_secret_key()
DEBUG = env_bool("NEWSDESK_DEBUG", False)
ALLOWED_HOSTS = env_list("NEWSDESK_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("NEWSDESK_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "newsdesk.branding",
    "newsdesk.stories",
    "newsdesk.demo",
    "newsdesk.newsroom",
    "newsdesk.feeds",
    "newsdesk.seo",
    "newsdesk.api",
    "newsdesk.webhooks",
    "newsdesk.wire",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "newsdesk.stories.gone.GoneMiddleware",
]

ROOT_URLCONF = "newsdesk.urls"
WSGI_APPLICATION = "newsdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "newsdesk.branding.context_processors.masthead",
            ],
        },
    },
]

# SQLite runs in WAL mode with immediate transactions so that the web server
# and the worker can write at the same time without "database is locked".
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'newsdesk.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("NEWSDESK_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("NEWSDESK_MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "NEWSDESK_STATICFILES_STORAGE",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Secure cookies need HTTPS. `newsdesk run` serves plain HTTP on loopback
# and turns them off for itself; every other deployment keeps them on.
SESSION_COOKIE_SECURE = env_bool("NEWSDESK_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
if env_bool("NEWSDESK_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "newsdesk",
    }
}
if os.environ.get("NEWSDESK_REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": os.environ["NEWSDESK_REDIS_URL"],
    }

# Background work goes through the tasks API. The backend is a dotted path:
# the database queue on one machine, RQ on Redis when the site grows.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "NEWSDESK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"
        ),
    }
}
if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS["default"]["QUEUES"] = ["default"]
    RQ_QUEUES = {
        "default": {"URL": os.environ.get("NEWSDESK_REDIS_URL", "redis://127.0.0.1:6379/0")},
    }

WAGTAIL_SITE_NAME = "newsdesk"
WAGTAILADMIN_BASE_URL = os.environ.get("NEWSDESK_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database"},
}
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"bmp": "jpeg", "webp": "webp"}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
TAGGIT_CASE_INSENSITIVE = True

def _not_routine_task_news(record):
    # The task worker sets its loggers to INFO and logs every task's start and
    # end; on a site that polls feeds that buries the console. Failures are
    # WARNING or worse and still show; every result is in the admin.
    return record.levelno >= 30 or os.environ.get("NEWSDESK_LOG_LEVEL") == "DEBUG"


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "not_routine_task_news": {"()": "django.utils.log.CallbackFilter", "callback": _not_routine_task_news},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("NEWSDESK_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail logs every page save at INFO: too loud for the console.
        "wagtail": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING", "filters": ["not_routine_task_news"]},
        "django_tasks_db": {"filters": ["not_routine_task_news"]},
    },
}

# newsdesk's own settings (newsdesk/conf.py) may be given in the environment.
globals().update(from_environment(os.environ))
