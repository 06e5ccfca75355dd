"""Settings for the test suite: newsdesk's own, with a throwaway data folder."""

import os
import tempfile

os.environ.setdefault("NEWSDESK_DATA_DIR", tempfile.mkdtemp(prefix="newsdesk-test-"))
os.environ.setdefault("NEWSDESK_SECRET_KEY", "test-only-secret-key-not-for-production")

from newsdesk.settings import *  # noqa: E402,F403
from newsdesk import services  # noqa: E402

# The suite's second run (`make test-postgres`): the in-process tests on a
# PostgreSQL server and with Redis as Django's cache. Named apart from
# DATABASE_URL and REDIS_URL, which the sites the tests start in processes
# of their own would inherit: those keep their own SQLite data folders.
if os.environ.get("NEWSDESK_TEST_DATABASE_URL"):
    DATABASES = {"default": services.database(os.environ["NEWSDESK_TEST_DATABASE_URL"])}
if os.environ.get("NEWSDESK_TEST_REDIS_URL"):
    NEWSDESK_REDIS_URL = os.environ["NEWSDESK_TEST_REDIS_URL"]
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": NEWSDESK_REDIS_URL,
            "KEY_PREFIX": f"newsdesk-test-{os.getpid()}",
        }
    }

# The tests render pages without running collectstatic first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Fast hashing for the suite; production's Argon2 is tested in tests/security.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The login lock-out (django-axes) stays on, as in production. Its backend
# refuses authenticate() calls without a request, which Client.login()
# makes: log test clients in with force_login().
# The page cache would carry pages from one test into the next (the database
# rolls back, the cache does not): off, except in the tests of the cache itself.
NEWSDESK_PAGE_CACHE = "off"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ALLOWED_HOSTS = ["*"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (WhiteNoise looks for it)
