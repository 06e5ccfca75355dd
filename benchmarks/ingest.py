"""End-to-end ingest throughput beside bare trafilatura extraction of the same pages.

    .venv/bin/python benchmarks/ingest.py [--pages 120]

Serves a feed of N real article pages (trafilatura's evaluation set, read
from ../shared/data/extraction) from a local HTTP server on 127.0.0.1, then
in one run measures:

- bare trafilatura: `trafilatura.extract(html)` on each page, in memory;
- newsdesk extract: our extraction stage alone, in memory;
- pipeline: one `poll_source` from an empty database: the feed fetched and
  parsed, every page fetched over HTTP, extracted, sanitised, rule-checked
  and stored in SQLite, by one worker.

It prints a Markdown table of pages per second and the ratio of each to bare
trafilatura. Nothing is asserted: timings belong in a table, not in tests.
"""

import argparse
import os
import sys
import tarfile
import tempfile
import threading
import time
from email.utils import format_datetime
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

REPO_ROOT = Path(__file__).resolve().parents[1]
EXTRACTION_DATA = REPO_ROOT.parent / "shared" / "data" / "extraction"


def load_pages(count):
    """The first `count` pages of the evaluation set, as {name: bytes}."""
    pages = {}
    with tarfile.open(EXTRACTION_DATA / "html.tar.xz") as archive:
        for member in archive:
            if member.isfile() and member.name.endswith(".html"):
                pages[Path(member.name).name] = archive.extractfile(member).read()
                if len(pages) == count:
                    break
    return pages


def feed_for(pages, base):
    now = format_datetime(datetime.now(timezone.utc))
    items = "".join(
        f"<item><title>Page {number}</title><link>{base}/pages/{escape(name)}</link>"
        f"<guid isPermaLink=\"false\">bench-{number}</guid><pubDate>{now}</pubDate></item>"
        for number, name in enumerate(pages)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench</title>'
        f"<link>{base}/</link><description>Benchmark feed</description>{items}</channel></rss>"
    ).encode()


def serve(pages):
    state = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.split("?")[0] == "/feed.xml":
                body, kind = state["feed"], "application/rss+xml"
            elif self.path.startswith("/pages/") and self.path[7:] in pages:
                body, kind = pages[self.path[7:]], "text/html; charset=utf-8"
            elif self.path == "/robots.txt":
                body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    state["feed"] = feed_for(pages, base)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, base


def timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=120)
    args = parser.parse_args()
    if not EXTRACTION_DATA.exists():
        sys.exit(f"Missing {EXTRACTION_DATA}: the benchmark reads its pages from there.")

    data_dir = tempfile.mkdtemp(prefix="newsdesk-bench-")
    os.environ.update(
        NEWSDESK_DATA_DIR=data_dir,
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
        NEWSDESK_FETCH_ALLOWED_NETWORKS="127.0.0.1/32",
        NEWSDESK_FETCH_PER_HOST_DELAY="0",
        NEWSDESK_FETCH_PER_HOST_CONCURRENCY="4",
        NEWSDESK_LOG_LEVEL="ERROR",
    )
    import django

    django.setup()
    import trafilatura
    from django.conf import settings
    from django.core.management import call_command

    from newsdesk.wire.extraction import extract
    from newsdesk.wire.models import Source, WireItem
    from newsdesk.wire.pipeline import make_fetcher, poll_source

    call_command("migrate", verbosity=0)
    pages = load_pages(args.pages)
    server, base = serve(pages)

    _, bare_seconds = timed(lambda: [trafilatura.extract(html) for html in pages.values()])

    def ours():
        for html in pages.values():
            try:
                extract(html)
            except Exception:
                pass

    _, ours_seconds = timed(ours)

    def fast():
        for html in pages.values():
            try:
                extract(html, fast=True)
            except Exception:
                pass

    _, fast_seconds = timed(fast)

    def pipeline(name, fast_extraction):
        settings.NEWSDESK_FAST_EXTRACTION = fast_extraction
        source = Source.objects.create(name=name, url=f"{base}/feed.xml?{name}")
        with make_fetcher() as fetcher:
            outcome, seconds = timed(lambda: poll_source(source, fetcher))
        return WireItem.objects.filter(source=source).count(), seconds, outcome

    stored, pipeline_seconds, outcome = pipeline("thorough", False)
    stored_fast, fast_pipeline_seconds, _ = pipeline("fast", True)
    server.shutdown()

    count = len(pages)
    bare_rate = count / bare_seconds
    rows = [
        ("bare trafilatura.extract (in memory)", count, bare_seconds, bare_rate),
        ("newsdesk extract (in memory)", count, ours_seconds, count / ours_seconds),
        ("newsdesk extract --fast (in memory)", count, fast_seconds, count / fast_seconds),
        ("pipeline: fetch + parse + extract + sanitise + store (1 worker)", stored, pipeline_seconds,
         stored / pipeline_seconds),
        ("pipeline with NEWSDESK_FAST_EXTRACTION (1 worker)", stored_fast, fast_pipeline_seconds,
         stored_fast / fast_pipeline_seconds),
    ]
    print(f"\n{count} pages from trafilatura's evaluation set, served on 127.0.0.1; "
          f"pipeline stored {stored} items ({outcome.failed} failed).\n")
    print("| stage | pages | seconds | pages/s | ratio to bare |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, pages_done, seconds, rate in rows:
        print(f"| {name} | {pages_done} | {seconds:.2f} | {rate:.1f} | {rate / bare_rate:.2f} |")


if __name__ == "__main__":
    main()
