"""The outside services a site may use, configured from the environment for settings.py.

Database, media storage, search, e-mail and error reporting: each function
turns the operator's variables into Django settings, and refuses a value it
cannot use with a message naming the variable. Optional services need
optional packages (extras in pyproject.toml); asking for one that is not
installed is an error at start-up, not a surprise at the first upload.
"""

import importlib.util
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from newsdesk.environment import env_bool, env_float, env_int, env_str, raw


def require(module, variable, extra):
    if importlib.util.find_spec(module) is None:
        raise ImproperlyConfigured(
            f"{variable} is set, but the {module} package is not installed: pip install 'newsdesk[{extra}]'"
        )


def database(url):
    """Django's DATABASES entry for a DATABASE_URL (sqlite:///…, postgres://…)."""
    import dj_database_url

    try:
        config = dj_database_url.parse(url, conn_max_age=60)
    except Exception as error:  # the package raises ValueError or its own errors, by version
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read ({error}); got {redact(url)!r}") from None
    if config.get("ENGINE") == "django.db.backends.postgresql":
        require("psycopg", "DATABASE_URL (PostgreSQL)", "postgres")
    return config


def redact(url):
    """A URL with its password hidden, for error messages and logs."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def media_storage(environ):
    """STORAGES["default"]: files under MEDIA_ROOT, or an S3-compatible bucket (NEWSDESK_S3_BUCKET)."""
    bucket = env_str("NEWSDESK_S3_BUCKET", "", environ=environ)
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    require("storages", "NEWSDESK_S3_BUCKET", "s3")
    options = {
        "bucket_name": bucket,
        # Plain public URLs: reader pages are cached whole, and signed URLs
        # in them would expire while the page is still served.
        "querystring_auth": False,
        "file_overwrite": False,
    }
    for variable, option in (
        ("NEWSDESK_S3_ENDPOINT_URL", "endpoint_url"),
        ("NEWSDESK_S3_REGION", "region_name"),
        ("NEWSDESK_S3_CUSTOM_DOMAIN", "custom_domain"),
        ("NEWSDESK_S3_ACCESS_KEY_ID", "access_key"),
        ("NEWSDESK_S3_SECRET_ACCESS_KEY", "secret_key"),
    ):
        value = env_str(variable, "", environ=environ)
        if value:
            options[option] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


# Wagtail's search backends by the scheme of NEWSDESK_SEARCH_URL, with the
# client package each needs. The bare names pick the newest major version.
SEARCH_ENGINES = {
    "opensearch": ("opensearch3", "opensearchpy"),
    "opensearch2": ("opensearch2", "opensearchpy"),
    "opensearch3": ("opensearch3", "opensearchpy"),
    "elasticsearch": ("elasticsearch9", "elasticsearch"),
    "elasticsearch7": ("elasticsearch7", "elasticsearch"),
    "elasticsearch8": ("elasticsearch8", "elasticsearch"),
    "elasticsearch9": ("elasticsearch9", "elasticsearch"),
}


def search_backend(url):
    """WAGTAILSEARCH_BACKENDS["default"] for NEWSDESK_SEARCH_URL; the database backend when empty.

    The URL is `<engine>[+https]://[user:password@]host:port[/index]`, e.g.
    `opensearch+https://newsdesk:secret@search.internal:9200/newsdesk`.
    """
    if not url:
        return {"BACKEND": "wagtail.search.backends.database"}
    parts = urlsplit(url)
    engine, _, transport = parts.scheme.partition("+")
    if engine not in SEARCH_ENGINES or transport not in ("", "http", "https"):
        raise ImproperlyConfigured(
            f"NEWSDESK_SEARCH_URL must start with one of {', '.join(sorted(SEARCH_ENGINES))} "
            f"(optionally +https), got {redact(url)!r}"
        )
    if not parts.hostname:
        raise ImproperlyConfigured(f"NEWSDESK_SEARCH_URL names no host, got {redact(url)!r}")
    module, client = SEARCH_ENGINES[engine]
    require(client, "NEWSDESK_SEARCH_URL", engine.rstrip("0123456789"))
    # Wagtail reads the user and password from the address itself.
    netloc = parts.netloc if parts.port else f"{parts.netloc}:9200"
    return {
        "BACKEND": f"wagtail.search.backends.{module}",
        "URLS": [f"{transport or 'http'}://{netloc}"],
        "INDEX": parts.path.strip("/") or "newsdesk",
        "TIMEOUT": 10,
        "OPTIONS": {},
        "INDEX_SETTINGS": {},
    }


EMAIL_SCHEMES = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def email(environ):
    """Django's EMAIL_… settings from EMAIL_URL, or from the NEWSDESK_EMAIL_… variables."""
    settings = {}
    url = env_str("EMAIL_URL", "", environ=environ)
    one_by_one = env_str("NEWSDESK_EMAIL_HOST", "", environ=environ)
    if url and one_by_one:
        raise ImproperlyConfigured("EMAIL_URL and NEWSDESK_EMAIL_HOST are both set; use one of them.")
    if url:
        settings.update(email_from_url(url))
    elif one_by_one:
        settings.update(
            EMAIL_BACKEND=EMAIL_SCHEMES["smtp"],
            EMAIL_HOST=one_by_one,
            EMAIL_PORT=env_int("NEWSDESK_EMAIL_PORT", 25, environ=environ),
            EMAIL_HOST_USER=env_str("NEWSDESK_EMAIL_USER", "", environ=environ),
            EMAIL_HOST_PASSWORD=env_str("NEWSDESK_EMAIL_PASSWORD", "", environ=environ),
            EMAIL_USE_TLS=env_bool("NEWSDESK_EMAIL_USE_TLS", False, environ=environ),
            EMAIL_USE_SSL=env_bool("NEWSDESK_EMAIL_USE_SSL", False, environ=environ),
        )
        if settings["EMAIL_USE_TLS"] and settings["EMAIL_USE_SSL"]:
            raise ImproperlyConfigured("NEWSDESK_EMAIL_USE_TLS and NEWSDESK_EMAIL_USE_SSL cannot both be on.")
    sender = env_str("NEWSDESK_EMAIL_FROM", "", environ=environ)
    if sender:
        settings["DEFAULT_FROM_EMAIL"] = settings["SERVER_EMAIL"] = sender
    return settings


def email_from_url(url):
    """smtp://user:password@host:587 (STARTTLS on port 587 or with ?tls=1), smtps://… (TLS from
    the start), console:// (printed), dummy:// (dropped)."""
    parts = urlsplit(url)
    if parts.scheme not in EMAIL_SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with one of {', '.join(EMAIL_SCHEMES)}, got {redact(url)!r}"
        )
    settings = {"EMAIL_BACKEND": EMAIL_SCHEMES[parts.scheme]}
    if parts.scheme not in ("smtp", "smtps"):
        return settings
    if not parts.hostname:
        raise ImproperlyConfigured(f"EMAIL_URL names no host, got {redact(url)!r}")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    port = parts.port or (465 if parts.scheme == "smtps" else 25)
    settings.update(
        EMAIL_HOST=parts.hostname,
        EMAIL_PORT=port,
        EMAIL_HOST_USER=unquote(parts.username or ""),
        EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
        EMAIL_USE_SSL=parts.scheme == "smtps",
        EMAIL_USE_TLS=parts.scheme == "smtp" and (port == 587 or query.get("tls") in ("1", "true")),
    )
    return settings


def start_error_reporting(environ):
    """Send unhandled errors to Sentry when SENTRY_DSN is set; True when started."""
    dsn = raw("SENTRY_DSN", aliases=["NEWSDESK_SENTRY_DSN"], environ=environ)
    if not dsn:
        return False
    require("sentry_sdk", "SENTRY_DSN", "sentry")
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=env_str("NEWSDESK_SENTRY_ENVIRONMENT", "production", environ=environ),
        traces_sample_rate=env_float("NEWSDESK_SENTRY_TRACES_SAMPLE_RATE", 0.0, environ=environ),
        # Readers' addresses, cookies and editors' names stay on the site.
        send_default_pii=False,
    )
    return True
