# newsdesk for production: `newsdesk serve` on port 8000, with the PostgreSQL
# and Redis extras. compose.yaml runs it beside PostgreSQL, Redis and the
# workers; docs/operations.md explains the variables and the layout.
# Debian 13 (trixie): its postgresql-client is 17, the server compose.yaml runs;
# pg_dump must be at least the server's version for `newsdesk backup`.
FROM python:3.11-slim-trixie

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NEWSDESK_DATA_DIR=/srv/newsdesk/data

# The site runs as a user of its own, never as root. Its data folder exists
# (and belongs to it) before the volume is mounted there, so a new named
# volume starts out owned by that user too.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --uid 10001 --user-group --home-dir /srv/newsdesk --create-home newsdesk \
    && install -d -o newsdesk -g newsdesk -m 0700 /srv/newsdesk/data

WORKDIR /srv/newsdesk/app
COPY pyproject.toml README.md ./
COPY newsdesk ./newsdesk
RUN pip install ".[postgres,redis]" && rm -rf /srv/newsdesk/app/build

USER newsdesk
# The database when it is SQLite, the generated secret key, static files,
# media, the page cache on disk and the trained section models: everything a
# restart must keep. `newsdesk setup` migrates and collects static files here.
VOLUME ["/srv/newsdesk/data"]
EXPOSE 8000

# /healthz answers without the database: a live process, not a ready site.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

# The web server. The same image runs the background worker with
# `newsdesk worker`, and `newsdesk setup --no-demo` once per release.
CMD ["newsdesk", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
