"""newsdesk's own settings: each has a default and one line of help.

Read a setting with `conf.get(name)` where it is used, never at import
time, so tests and deployments can override it in Django settings.
docs/configuration.md lists them all (tests/test_docs.py checks).
"""

from dataclasses import dataclass

from django.conf import settings as django_settings

from newsdesk.environment import parse_like, raw


@dataclass(frozen=True)
class Setting:
    default: object
    help: str


SETTINGS = {
    "NEWSDESK_EXCERPT_LENGTH": Setting(
        160, "Longest Recent Posts excerpt, in characters, ellipsis included."
    ),
    "NEWSDESK_LIST_PAGE_SIZE": Setting(
        12, "Stories per page on section, tag and author pages."
    ),
    "NEWSDESK_SERVE_MEDIA": Setting(
        True, "Serve uploaded images from Django (the laptop mode); turn off behind a web server."
    ),
    "NEWSDESK_DEMO_OUTLETS": Setting(
        False, "Serve the demo wire outlets at /demo-outlets/ and give the desk sources for them; "
        "`newsdesk run` turns it on."
    ),
    "NEWSDESK_FEED_FULL_TEXT": Setting(
        True, "Feeds carry each story's full text; off, they carry the standfirst only."
    ),
    "NEWSDESK_FEED_ITEMS": Setting(30, "Stories in each feed."),
    "NEWSDESK_CLUSTER_HOURS": Setting(
        48, "Hours back a new wire item is compared with other outlets' stories for its cluster."
    ),
    "NEWSDESK_CLUSTER_ENCODERS": Setting(
        True, "Compare stories for clusters with the sentence encoders when they are installed (about 450 MB "
        "in the process that ingests); off: by names and character n-grams only, no model in memory."
    ),
    "NEWSDESK_CLUSTER_BEST_WAIT_MINUTES": Setting(
        20, "Minutes a rule publishing only the best report of a story waits, from the first report, for "
        "other outlets' reports before it publishes the best one."
    ),
    "NEWSDESK_WIRE_CANONICAL": Setting(
        "own", "Canonical link of a republished wire story: 'own' (this site's URL) or 'source'."
    ),
    "NEWSDESK_API_PAGE_SIZE": Setting(20, "Items per page in the content API (a request may ask for up to 100)."),
    "NEWSDESK_WEBHOOK_TIMEOUT": Setting(10, "Seconds a webhook receiver has to answer."),
    "NEWSDESK_WEBHOOK_MAX_ATTEMPTS": Setting(
        6, "Deliveries of one webhook event before it is given up (back-off doubles from 30 s)."
    ),
    "NEWSDESK_FETCH_ALLOWED_NETWORKS": Setting(
        (), "Private or loopback networks (CIDR, comma-separated) the wire desk may fetch from; none by default."
    ),
    "NEWSDESK_FETCH_ALLOWED_ADDRESSES": Setting(
        (), "Exact non-public address:port pairs (comma-separated, IPv6 as [::1]:8000) outbound requests may reach."
    ),
    "NEWSDESK_FETCH_TIMEOUT": Setting(20.0, "Seconds before a fetch gives up."),
    "NEWSDESK_FETCH_MAX_BYTES": Setting(5_000_000, "Largest feed or page the wire desk downloads, in bytes."),
    "NEWSDESK_FETCH_PER_HOST_DELAY": Setting(1.0, "Seconds between the starts of two requests to one host."),
    "NEWSDESK_FETCH_PER_HOST_CONCURRENCY": Setting(2, "Requests in flight to one host at most."),
    "NEWSDESK_FETCH_SHARED_LIMITS": Setting(
        "auto", "Where worker processes share the per-host limits: 'redis', 'files' (a folder of lock files, "
        "for workers on one machine), 'off' (each process keeps its own); 'auto' is redis when "
        "NEWSDESK_REDIS_URL is set, else files."
    ),
    "NEWSDESK_POLL_CONCURRENCY": Setting(
        40, "Sources one worker process polls at once (threads); requests to one host still wait for its "
        "per-host limits."
    ),
    "NEWSDESK_EXTRACTION_PROCESSES": Setting(
        0, "Processes a worker extracts article pages in, beside its polling threads; 0 extracts in the "
        "polling threads themselves."
    ),
    "NEWSDESK_FETCH_USER_AGENT": Setting(
        "", "User-Agent of the wire desk's requests; empty: “newsdesk/<version> (+<base URL>)”."
    ),
    "NEWSDESK_FAST_EXTRACTION": Setting(
        False, "Extract wire stories without trafilatura's readability and jusText comparison: faster, a little less accurate."
    ),
    "NEWSDESK_POLL_LOCK_SECONDS": Setting(
        600, "Length of a poll's lease on its source, renewed every third of it while the poll runs; "
        "a crashed worker's lease runs out after this."
    ),
    "NEWSDESK_POLL_MAX_ITEMS": Setting(
        200, "Items one poll reads from a feed or page, newest first; the rest are skipped with a note."
    ),
    "NEWSDESK_POLL_MAX_NEW_HOSTS": Setting(
        20, "Hosts other than the source's own that one poll fetches article pages from; "
        "items beyond keep the feed's text."
    ),
    "NEWSDESK_SECTION_CONFIDENCE": Setting(
        0.4, "Below this confidence (0 to 1) in its section, a wire item is held for an editor with the "
        "three likeliest sections shown."
    ),
    "NEWSDESK_SECTION_RETRAIN_AFTER": Setting(
        50, "New published stories and editors' choices of section after which the worker retrains the "
        "section model."
    ),
    "NEWSDESK_KEEP_POLLS_DAYS": Setting(30, "Days the poll log is kept (the health view shows 14); 0 keeps it for ever."),
    "NEWSDESK_KEEP_VERSIONS_DAYS": Setting(
        90, "Days earlier versions of edited wire items are kept; 0 keeps them for ever."
    ),
    "NEWSDESK_KEEP_TASK_RESULTS_DAYS": Setting(
        7, "Days finished background-task results are kept in the database queue; 0 keeps them for ever."
    ),
    "NEWSDESK_PAGE_CACHE": Setting(
        "auto", "Where readers' pages are cached: 'disk' (one machine), 'redis', 'off'; "
        "'auto' is redis when NEWSDESK_REDIS_URL is set, else disk."
    ),
    "NEWSDESK_PAGE_CACHE_DIR": Setting(
        "", "Folder of the disk page cache; empty: pages/ in the data folder. A web server in front "
        "serves its public/ subfolder (docs/caching.md)."
    ),
    "NEWSDESK_PAGE_CACHE_LIFETIME": Setting(
        600, "Seconds a cached page lives when nothing purges it sooner; also the CDN's s-maxage."
    ),
    "NEWSDESK_PAGE_CACHE_MAX_BYTES": Setting(16_000_000, "Largest page (a sitemap) the page cache keeps, in bytes."),
    "NEWSDESK_STALE_WHILE_REVALIDATE": Setting(
        30, "Seconds a CDN may serve a page past its lifetime while it fetches a fresh one."
    ),
    "NEWSDESK_STALE_IF_ERROR": Setting(86400, "Seconds a CDN may serve a page past its lifetime while the site is down."),
    "NEWSDESK_CACHE_PURGE_URLS": Setting(
        (), "Addresses of CDN or reverse-proxy caches (comma-separated) sent an HTTP PURGE for every "
        "page an edit changes; WAGTAILFRONTENDCACHE in settings for other kinds."
    ),
    "NEWSDESK_CSP_FRAME_SOURCES": Setting(
        ("https://www.youtube.com", "https://www.youtube-nocookie.com", "https://player.vimeo.com"),
        "Origins whose players a story's embeds may show in a frame (the readers' CSP frame-src).",
    ),
    "NEWSDESK_BACKUP_DIR": Setting(
        "", "Folder (absolute) the worker writes scheduled backups to; empty: no scheduled backups."
    ),
    "NEWSDESK_BACKUP_KEEP": Setting(7, "Scheduled backups kept in NEWSDESK_BACKUP_DIR; older ones are deleted."),
    "NEWSDESK_BACKUP_EVERY_HOURS": Setting(24, "Hours between two scheduled backups."),
    "NEWSDESK_METRICS": Setting(False, "Serve Prometheus metrics at /metrics (docs/operations.md)."),
    "NEWSDESK_METRICS_ALLOWED_NETWORKS": Setting(
        ("127.0.0.0/8", "::1/128"), "Networks (CIDR, comma-separated) that may read /metrics; loopback by default."
    ),
    "NEWSDESK_METRICS_TOKEN": Setting(
        "", "When set, /metrics also asks for `Authorization: Bearer <token>`."
    ),
    "NEWSDESK_LOG_FORMAT": Setting("plain", "Console log lines: 'plain', or 'json' (one JSON object a line)."),
}


def get(name):
    """The value of newsdesk setting `name`: Django's settings first, then the default."""
    return getattr(django_settings, name, SETTINGS[name].default)


def from_environment(environ):
    """The newsdesk settings given as environment variables, parsed by their default's type.

    newsdesk/environment.py does the parsing, for these and for settings.py
    alike; a value of the wrong kind stops start-up with a clear message.
    """
    values = {}
    for name, setting in SETTINGS.items():
        value = raw(name, environ=environ)
        if value is not None:
            values[name] = parse_like(setting.default, value, name)
    return values
