"""`newsdesk nginx-config`: nginx in front of newsdesk, answering cached pages from disk.

The disk page cache writes each cached page without a query string to
`<NEWSDESK_PAGE_CACHE_DIR>/public/<scheme>/<host><path>` (index.html for a
path ending in "/", with .gz and .br beside it). nginx serves those files
to readers without a session cookie and sends everything else to newsdesk,
which renders, stores and purges them. The headers newsdesk gives a reader
page (Content-Security-Policy and the rest) are read from a page the site
renders, so nginx sends exactly the same ones.

docs/caching.md explains the choice (measured against proxy_cache) and
the deployment.
"""

import os
from pathlib import Path

import click

# Response headers nginx must repeat on the pages it serves itself.
COPIED_HEADERS = (
    "Content-Security-Policy",
    "Permissions-Policy",
    "Referrer-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
    "Cache-Control",
)
# Files the site answers under names other than index.html, and their types.
NAMED_FILES = (
    (r"/rss\.xml$", "application/rss+xml; charset=utf-8"),
    (r"/atom\.xml$", "application/atom+xml; charset=utf-8"),
    (r"/feed\.json$", "application/feed+json; charset=utf-8"),
    (r"^/sitemap[a-z0-9-]*\.xml$", "application/xml; charset=utf-8"),
    (r"^/robots\.txt$", "text/plain; charset=utf-8"),
)
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")


def reader_headers():
    """The headers a reader page goes out with, read from the site's robots.txt rendered here."""
    from django.test import Client

    response = Client(HTTP_HOST=_a_host()).get("/robots.txt")
    headers = {name: response[name] for name in COPIED_HEADERS if response.has_header(name)}
    headers["Vary"] = "Accept-Encoding, Cookie"
    return headers


def _a_host():
    from django.conf import settings

    hosts = [host for host in settings.ALLOWED_HOSTS if host not in ("*", "")]
    return hosts[0].lstrip(".") if hosts else "localhost"


def quote(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def server_block(listen, upstream, public_dir, static_dir, media_dir, headers, session_cookie):
    add_headers = "\n".join(f"        add_header {name} {quote(value)} always;" for name, value in headers.items())
    cached_try = "try_files /$scheme/$http_host${uri}index.html @newsdesk;"
    named = "\n".join(
        f"""    location ~ "{pattern}" {{
        if ($newsdesk_skip_cache) {{ return 418; }}
        default_type "{content_type}";
        types {{ }}
{add_headers}
        try_files /$scheme/$http_host$uri @newsdesk;
    }}"""
        for pattern, content_type in NAMED_FILES
    )
    return f"""upstream newsdesk {{
    server {upstream};
    keepalive 32;
}}

# Cached files answer only GET and HEAD from readers without a session
# cookie and without a query string; newsdesk answers everything else.
map "$request_method:$args:$cookie_{session_cookie}" $newsdesk_skip_cache {{
    default 1;
    "~^(GET|HEAD)::$" 0;
}}

server {{
    listen {listen};
    server_name _;
    root {public_dir};
    charset utf-8;
    client_max_body_size 32m;
    gzip_static on;
    {"brotli_static on;" if BROTLI_MODULE.exists() else "# brotli_static on;  (Debian: libnginx-mod-http-brotli-static)"}
    error_page 418 = @newsdesk;

    location /static/ {{
        alias {static_dir}/;
        # Hashed names: a new file gets a new name, so a year is safe.
        add_header Cache-Control "public, max-age=31536000, immutable";
        access_log off;
    }}

    location /media/ {{
        alias {media_dir}/;
        add_header Cache-Control "public, max-age=86400";
        add_header X-Content-Type-Options "nosniff";
    }}

{named}

    location / {{
        if ($newsdesk_skip_cache) {{ return 418; }}
        default_type "text/html; charset=utf-8";
        types {{ }}
{add_headers}
        {cached_try}
    }}

    location @newsdesk {{
        proxy_pass http://newsdesk;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_read_timeout 120s;
    }}
}}
"""


def standalone(server, prefix, workers):
    """A whole nginx.conf around `server`, for a test or a benchmark run without root."""
    module = f"load_module {BROTLI_MODULE};\n" if BROTLI_MODULE.exists() else ""
    # Started by root, nginx's workers would otherwise drop to "nobody", who
    # cannot read a data folder that only its owner may open.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{module}{user}worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{server}
}}
"""


@click.command("nginx-config")
@click.option("--listen", default="80", show_default=True, help="nginx's listen directive.")
@click.option("--upstream", default="127.0.0.1:8000", show_default=True, help="Where `newsdesk serve` listens.")
@click.option("--standalone", "standalone_prefix", metavar="DIR", default=None,
              help="Write a whole nginx.conf keeping its files in DIR (for running nginx without root).")
@click.option("--workers", default="auto", show_default=True, help="nginx worker processes (with --standalone).")
def nginx_config(listen, upstream, standalone_prefix, workers):
    """Print an nginx configuration that serves cached pages from disk and proxies the rest."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    import django

    django.setup()
    from django.conf import settings

    from .configured import cache_directory, store_kind

    if store_kind() != "disk":
        raise click.ClickException("nginx serves cached pages from the disk page cache: set NEWSDESK_PAGE_CACHE=disk.")
    server = server_block(
        listen=listen,
        upstream=upstream,
        public_dir=Path(cache_directory()).resolve() / "public",
        static_dir=Path(settings.STATIC_ROOT).resolve(),
        media_dir=Path(settings.MEDIA_ROOT).resolve(),
        headers=reader_headers(),
        session_cookie=settings.SESSION_COOKIE_NAME,
    )
    if standalone_prefix:
        prefix = Path(standalone_prefix).resolve()
        prefix.mkdir(parents=True, exist_ok=True)
        click.echo(standalone(server, prefix, workers), nl=False)
    else:
        click.echo(server, nl=False)
