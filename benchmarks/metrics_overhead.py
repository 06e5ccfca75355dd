"""What counting page-cache hits for /metrics costs on the hit path, beside metrics off.

    .venv/bin/python benchmarks/metrics_overhead.py [--requests 10000] [--rounds 10]

Calls newsdesk's WSGI application in-process (no HTTP server, so the
difference is not lost in the server's own cost) for a page held in the
disk page cache: a 40 kB article, stored once, then asked for again and
again as a cache hit. Two processes, since prometheus_client picks its mode
when it is imported:

- one process: NEWSDESK_METRICS=1, counters in memory;
- multi-process: NEWSDESK_METRICS=1 with PROMETHEUS_MULTIPROC_DIR, counters
  in shared files, as under `newsdesk serve --workers N`.

Each process times the application without the hit hook (what metrics off
gives, the default) and with it, in alternating rounds, so that a machine
growing busier or quieter weighs on both alike. Prints the median time per
hit and the difference. The machine should be quiet: on a busy one every
figure grows and the differences with them.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
import django
django.setup()
from django.core.wsgi import get_wsgi_application
from newsdesk.operations.metrics import hit_counter
from newsdesk.pagecache.configured import policy
from newsdesk.pagecache.entries import make_entry
from newsdesk.pagecache.wsgi import PageCacheApplication

requests, rounds = int(sys.argv[1]), int(sys.argv[2])
environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/world/a-story/", "QUERY_STRING": "",
           "HTTP_HOST": "news.example.org", "wsgi.url_scheme": "https", "HTTP_ACCEPT_ENCODING": "br"}
current = policy()
key = current.keys(environ)
body = (b"<p>" + b"A paragraph of the story. " * 40 + b"</p>\n") * 40
current.store.put(key, make_entry(200, [("Content-Type", "text/html; charset=utf-8")], body, 3600), set(),
                  current.store.generation())
django_application = get_wsgi_application()
applications = {
    "off": PageCacheApplication(django_application),
    "on": PageCacheApplication(django_application, on_hit=hit_counter()),
}
start_response = lambda status, headers: None
times = {name: [] for name in applications}
for _ in range(rounds):
    for name, application in applications.items():
        started = time.perf_counter()
        for _ in range(requests):
            application(dict(environ), start_response)
        times[name].append((time.perf_counter() - started) / requests)
print(json.dumps(times))
"""


def run(requests, rounds, multiprocess):
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as data_dir:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DJANGO_", "PROMETHEUS_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="newsdesk.settings", NEWSDESK_DATA_DIR=data_dir, NEWSDESK_METRICS="1",
            NEWSDESK_PAGE_CACHE="disk", NEWSDESK_ALLOWED_HOSTS="news.example.org",
        )
        if multiprocess:
            env["PROMETHEUS_MULTIPROC_DIR"] = os.path.join(data_dir, "metrics")
            os.makedirs(env["PROMETHEUS_MULTIPROC_DIR"])
        result = subprocess.run(
            [sys.executable, "-c", CHILD, str(requests), str(rounds)],
            env=env, cwd=REPO_ROOT, capture_output=True, text=True, check=True,
        )
    times = json.loads(result.stdout.strip().splitlines()[-1])
    return statistics.median(times["off"]), statistics.median(times["on"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000, help="Hits per round.")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    print(f"Page-cache hit, in-process, median of {args.rounds} rounds of {args.requests:,} hits "
          f"({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})\n")
    print("| counters | µs per hit, metrics off | µs per hit, metrics on | difference |")
    print("| --- | ---: | ---: | ---: |")
    for label, multiprocess in (("one process", False), ("multi-process", True)):
        off, on = run(args.requests, args.rounds, multiprocess)
        difference = f"{(on - off) * 1e6:+.2f} µs ({(on / off - 1) * 100:+.1f} %)"
        print(f"| {label} | {off * 1e6:.2f} | {on * 1e6:.2f} | {difference} |")


if __name__ == "__main__":
    main()
