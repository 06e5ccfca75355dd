"""End-to-end ingest throughput: many sources on many slow, rate-limited hosts, beside bare extraction.

    .venv/bin/python benchmarks/ingest.py                 # 200 sources on 20 hosts, 20 items each
    .venv/bin/python benchmarks/ingest.py --quick         # 20 sources on 4 hosts, 5 items each
    .venv/bin/python benchmarks/ingest.py --single-feed 120

The default run serves `--sources` feeds of `--items` items each from
`--hosts` local hosts (127.0.0.2, 127.0.0.3, … on one port; Linux routes all
of 127.0.0.0/8 to the loopback). Each host answers after `--latency`
seconds, as a real site does. The articles are real pages (trafilatura's
evaluation set, read from ../shared/data/extraction), each item a page of
its own address. One worker polls every source at once with the per-host
limits of a polite crawler (2 requests in flight and 1 request a second by
default), and each host counts for itself how many requests it was
answering at once and how far apart they started: the limits are measured
where they matter, at the server.

It prints the total time, items per second, the most requests one host saw
at once, the shortest gap between two starts at one host, and the
pipeline's items per second as a ratio to bare `trafilatura.extract()` on
the same pages in the same run (one process, in memory). The pace is the
floor: N pages and feeds on H hosts at one request a second take at least
(N + feeds) / H seconds, whatever the machine.

The site's sentence encoders are built (once per site, as a worker does at
its first story) before the clock starts; the processor time per item of the
pipeline's main process and of its extraction processes is printed too.

`--single-feed N` is the earlier measure: one feed of N pages on one host
with no pace, the pipeline beside bare trafilatura and our own extraction.

Nothing is asserted: timings belong in a table, not in tests.
"""

import argparse
import multiprocessing
import os
import sys
import tarfile
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from email.utils import format_datetime
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


def serve_single_feed(pages):
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


def single_feed(page_count):
    """One feed of `page_count` pages on one host, no pace: the pipeline beside bare extraction."""
    prepare_django(0, 4)
    import trafilatura
    from django.conf import settings

    from newsdesk.wire.extraction import extract
    from newsdesk.wire.models import Source, WireItem
    from newsdesk.wire.pipeline import make_fetcher, poll_source

    pages = load_pages(page_count)
    server, base = serve_single_feed(pages)

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


class HostCounter:
    """What one host saw: requests in flight now and at most, and when each started."""

    def __init__(self):
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0
        self.starts = []

    def arrived(self):
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self.starts.append(time.monotonic())

    def left(self):
        with self.lock:
            self.in_flight -= 1



def serve_hosts(hosts, port, sources_per_host, items, pages, latency):
    """One slow HTTP server per local host; returns (servers, counters, feed URLs)."""
    names = list(pages)
    servers, counters, feeds = [], {}, []
    published = format_datetime(datetime.now(timezone.utc))
    for number in range(hosts):
        address = f"127.0.0.{number + 2}"
        base = f"http://{address}:{port}"
        counter = counters[address] = HostCounter()
        routes = {"/robots.txt": (b"User-agent: *\nAllow: /\n", "text/plain")}
        for local in range(sources_per_host):
            source = number * sources_per_host + local
            entries = []
            for item in range(items):
                name = names[(source * items + item) % len(names)]
                path = f"/s{source}/a{item}.html"
                routes[path] = (pages[name], "text/html; charset=utf-8")
                entries.append(
                    f"<item><title>Story {source}-{item}</title><link>{base}{path}</link>"
                    f'<guid isPermaLink="false">bench-{source}-{item}</guid><pubDate>{published}</pubDate></item>'
                )
            routes[f"/s{source}/feed.xml"] = (
                (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Source {source}</title>'
                 f"<link>{base}/</link><description>Benchmark feed</description>{''.join(entries)}</channel></rss>"
                 ).encode(),
                "application/rss+xml",
            )
            feeds.append(f"{base}/s{source}/feed.xml")
        servers.append(start_host(address, port, routes, counter, latency))
    return servers, counters, feeds


def hosts_in_process(hosts, port, sources_per_host, items, pages, latency):
    """Serve the hosts from a process of their own, as separate machines would be.

    In the benchmark's own process the servers' threads would wait for the
    GIL behind the pipeline's, and note a request's start late or early by
    that wait. Returns the feed URLs and a function that stops the servers
    and returns each host's (most in flight, start times).
    """
    parent_end, child_end = multiprocessing.get_context("fork").Pipe()

    def run():
        servers, counters, feeds = serve_hosts(hosts, port, sources_per_host, items, pages, latency)
        child_end.send(feeds)
        child_end.recv()  # the order to stop
        for server in servers:
            server.shutdown()
        child_end.send({address: (c.most_in_flight, c.starts) for address, c in counters.items()})

    process = multiprocessing.get_context("fork").Process(target=run, daemon=True)
    process.start()
    feeds = parent_end.recv()

    def stop():
        parent_end.send("stop")
        seen = parent_end.recv()
        process.join()
        return seen

    return feeds, stop


def shortest_gap(starts):
    starts = sorted(starts)
    return min((b - a for a, b in zip(starts, starts[1:])), default=float("inf"))


def start_host(address, port, routes, counter, latency):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real sites answer

        def do_GET(self):
            counter.arrived()
            try:
                time.sleep(latency)
                found = routes.get(self.path)
                if found is None:
                    self.send_error(404)
                    return
                body, kind = found
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            finally:
                counter.left()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((address, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def prepare_django(per_host_delay, per_host_concurrency, extra=None):
    data_dir = tempfile.mkdtemp(prefix="newsdesk-bench-")
    os.environ.update(
        NEWSDESK_DATA_DIR=data_dir,
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
        NEWSDESK_FETCH_ALLOWED_NETWORKS="127.0.0.0/8",
        NEWSDESK_FETCH_PER_HOST_DELAY=str(per_host_delay),
        NEWSDESK_FETCH_PER_HOST_CONCURRENCY=str(per_host_concurrency),
        NEWSDESK_LOG_LEVEL="ERROR",
        **(extra or {}),
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# What a site's worker does once, at the first story it compares: write the
# int8 sentence encoders into the data folder (newsdesk/copies/meaning.py).
# Every later worker start only reads them. Done in a process of its own, so
# the measured worker still loads them itself, as a freshly started one would.
BUILD_ENCODERS = (
    "import django; django.setup(); from newsdesk.copies import meaning; "
    "meaning.english_available() and meaning.english_vectors(['a']); "
    "meaning.multilingual_available() and meaning.multilingual_vectors(['a'])"
)


def build_encoders():
    import subprocess

    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", BUILD_ENCODERS], check=True)
    return time.perf_counter() - started


def extraction_processes_cpu():
    """Processor seconds the pipeline's extraction processes have used, read while they still run (Linux)."""
    from newsdesk.wire import extraction_pool

    pool = extraction_pool._pool
    seconds = 0.0
    for pid in (pool[2]._processes or {}) if pool else ():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended: its time is lost to this figure
        seconds += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return seconds


def many_hosts(args):
    if args.quick:
        args.sources, args.hosts, args.items = 20, 4, 5
    if args.sources % args.hosts:
        sys.exit("--sources must be a multiple of --hosts.")
    count = args.sources * args.items
    pages = load_pages(min(count, 990))
    # Before Django and its threads: the host process is forked.
    feeds, stop_hosts = hosts_in_process(args.hosts, args.port, args.sources // args.hosts, args.items, pages,
                                         args.latency)
    prepare_django(args.delay, args.concurrency, {
        "NEWSDESK_POLL_CONCURRENCY": str(args.workers),
        "NEWSDESK_EXTRACTION_PROCESSES": str(args.extraction_processes),
        "NEWSDESK_FAST_EXTRACTION": "1" if args.fast else "0",
    })
    encoders_seconds = build_encoders()
    import trafilatura

    from newsdesk import conf
    from newsdesk.outbound.configured import shared_fetcher
    from newsdesk.wire.models import Source, WireItem
    from newsdesk.wire.polling import poll_concurrently

    # Host by host, as an operator adds them: the worst order for a pool that takes sources as they come.
    sources = [Source.objects.create(name=f"Source {number}", url=url) for number, url in enumerate(feeds)]

    cpu_started = time.process_time()
    _, bare_seconds = timed(lambda: [trafilatura.extract(html) for html in pages.values()])
    bare_rate = len(pages) / bare_seconds
    bare_cpu = time.process_time() - cpu_started

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    cpu_started = time.process_time()
    outcomes = [outcome for _, outcome in poll_concurrently(sources, shared_fetcher(), due_only=False)]
    seconds = time.perf_counter() - started
    # This process's own processor time (all its threads), not the extraction processes':
    # on a busy machine it says what the pipeline costs when the wall clock cannot.
    pipeline_cpu = time.process_time() - cpu_started
    extraction_cpu = extraction_processes_cpu()
    load_after = os.getloadavg()[0]
    seen = stop_hosts()

    stored = WireItem.objects.count()
    distinct = WireItem.objects.values("source_id", "identity_key").distinct().count()
    from_feed = WireItem.objects.filter(from_feed_only=True).count()
    failed_sources = [o for o in outcomes if o is None or not o.ok]
    requests = sum(len(starts) for _, starts in seen.values())
    most_at_once = max(most for most, _ in seen.values())
    gap = min(shortest_gap(starts) for _, starts in seen.values())
    gaps = [b - a for _, starts in seen.values() for a, b in zip(sorted(starts), sorted(starts)[1:])]
    short_gaps = sum(g < args.delay for g in gaps)
    notes = Counter(WireItem.objects.filter(from_feed_only=True).values_list("extraction_note", flat=True))
    floor = (count + args.sources) / args.hosts * args.delay
    rate = stored / seconds

    print(f"\n{args.sources} sources on {args.hosts} hosts, {args.items} items each; each host answers after "
          f"{args.latency * 1000:.0f} ms; per-host limits {args.concurrency} in flight, {args.delay:g} s between "
          f"starts; {conf.get('NEWSDESK_POLL_CONCURRENCY')} polling threads, "
          f"{conf.get('NEWSDESK_EXTRACTION_PROCESSES')} extraction processes, "
          f"{'fast' if args.fast else 'default'} extraction; {len(pages)} distinct pages.\n")
    print("| measure | value |")
    print("| --- | ---: |")
    rows = [
        ("items stored", f"{stored} of {count} ({distinct} distinct; {from_feed} with the feed's text only)"),
        ("sources failed", f"{len(failed_sources)} of {args.sources}"),
        ("total time", f"{seconds:.1f} s (pace floor {floor:.0f} s)"),
        ("items/s", f"{rate:.1f}"),
        ("requests the hosts answered", f"{requests}"),
        ("most requests one host answered at once", f"{most_at_once} (limit {args.concurrency})"),
        ("shortest gap between two starts at one host", f"{gap:.3f} s (limit {args.delay:g} s)"),
        ("gaps under the limit", f"{short_gaps} of {len(gaps)}"),
        ("load average (1 min) before / after the pipeline", f"{load_before:.1f} / {load_after:.1f} "
                                                            f"on {os.cpu_count()} cores"),
        ("bare trafilatura.extract, same pages, in memory", f"{bare_rate:.1f} pages/s"),
        ("pipeline ÷ bare extraction", f"{rate / bare_rate:.2f}"),
        ("the site's sentence encoders built before the run (once per site)", f"{encoders_seconds:.1f} s"),
        ("processor time per item: bare extraction / pipeline's main process",
         f"{bare_cpu / len(pages) * 1000:.1f} ms / {pipeline_cpu / max(stored, 1) * 1000:.1f} ms"),
        ("processor time per item: the pipeline's extraction processes / the whole pipeline",
         f"{extraction_cpu / max(stored, 1) * 1000:.1f} ms / {(pipeline_cpu + extraction_cpu) / max(stored, 1) * 1000:.1f} ms"),
    ]
    for name, value in rows:
        print(f"| {name} | {value} |")
    for note, times in notes.most_common(3):
        print(f"\nFeed's text kept {times}×: {note[:200]}")
    if failed_sources:
        print("\nFirst failures:", *[(o.source.name, o.error) for o in failed_sources[:5] if o], sep="\n  ")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 sources on 4 hosts, 5 items each.")
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=20, help="At most 254: 127.0.0.2 onwards.")
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.2, help="Seconds each host takes to answer.")
    parser.add_argument("--concurrency", type=int, default=2, help="Per-host requests in flight at most.")
    parser.add_argument("--delay", type=float, default=1.0, help="Per-host seconds between request starts.")
    parser.add_argument("--workers", type=int, default=40, help="NEWSDESK_POLL_CONCURRENCY.")
    parser.add_argument("--extraction-processes", type=int, default=2, help="NEWSDESK_EXTRACTION_PROCESSES.")
    parser.add_argument("--fast", action="store_true", help="NEWSDESK_FAST_EXTRACTION.")
    parser.add_argument("--port", type=int, default=18300)
    parser.add_argument("--single-feed", type=int, metavar="PAGES", help="The one-feed, unpaced measure instead.")
    args = parser.parse_args()
    if not EXTRACTION_DATA.exists():
        sys.exit(f"Missing {EXTRACTION_DATA}: the benchmark reads its pages from there.")
    if args.single_feed:
        single_feed(args.single_feed)
    else:
        many_hosts(args)


if __name__ == "__main__":
    main()

