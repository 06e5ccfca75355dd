"""Web throughput, latency and memory of newsdesk, each beside nginx serving a static file.

    .venv/bin/python benchmarks/serve.py [--duration 10] [--connections 50]
        [--data-dir DIR] [--database-url URL] [--stories N]
        [--chart PATH.png] [--output PATH.md]
    .venv/bin/python benchmarks/serve.py --scale --data-dir /tmp/archive-1m

Sets up a demo site in a temporary data folder (unless --data-dir names an
existing one), then in one run starts:

- nginx-static: nginx answering a saved copy of the article page as a plain
  file, the most a web server can do on this machine (the baseline);
- cached: `newsdesk serve` (2 workers) with the page cache on, each URL
  requested first so that the load is all cache hits;
- uncached: a second `newsdesk serve` with NEWSDESK_PAGE_CACHE=off, every
  request rendered by Django;
- behind nginx: nginx configured by `newsdesk nginx-config` in front of the
  cached server, answering cached pages from disk.

wrk loads the home page, a section page, an article and the site's RSS
feed on each newsdesk server, and the saved article on nginx-static first
and last (2 threads, 50 connections, 10 s each). It also times single
requests on a quiet uncached server (median of 50 in a row) and reads the
peak memory of the web worker processes. It prints Markdown tables, every
throughput as a ratio to nginx-static in the same run, checks the targets
(PASS or MISS: a report, not a test) and draws the ratios as a bar chart.

--scale times single uncached requests on an archive site (home, a section's
pages 1 and 500, an article, search, a tag page, the sitemap index), to
compare a site of a thousand stories with one of a million.
"""

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx

NEWSDESK = str(Path(sys.executable).with_name("newsdesk"))
ADMIN_PASSWORD = "correct-horse-battery"
PAGES = ("home", "section", "article", "rss")
# Generous: an uncached page under 50 connections waits its turn for seconds,
# and wrk's default of 2 s would count that wait as a socket error.
WRK_TIMEOUT = "10s"
# (what, server, page, least ratio to nginx-static)
THROUGHPUT_TARGETS = (
    ("behind nginx, cached article", "behind nginx", "article", 0.9),
    ("newsdesk alone, cached article", "cached", "article", 0.25),
    ("uncached article", "uncached", "article", 0.01),
    ("uncached home", "uncached", "home", 0.005),
)
# (page, most milliseconds for the median single uncached request)
LATENCY_TARGETS = (("article", 15), ("home", 30))
MEMORY_TARGET_MB = 150


# Processes -----------------------------------------------------------------


class Processes:
    """The servers a run starts, each in a session of its own, all stopped when the run ends."""

    def __init__(self, log_dir):
        self.log_dir = Path(log_dir)
        self.started = []

    def start(self, name, command, env):
        log = open(self.log_dir / f"{name}.log", "wb")
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches this script only, which stops them in order
        )
        self.started.append((name, process, log))
        return process

    def log_tail(self, name, lines=15):
        text = (self.log_dir / f"{name}.log").read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop_all(self):
        for _, process, _ in self.started:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 15
        for _, process, log in self.started:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            try:
                # Whatever is left of its session: a worker the server did not stop.
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
            log.close()
        self.started = []


def raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(processes, name, process, url, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{name} stopped (exit {process.returncode}):\n{processes.log_tail(name)}")
        try:
            httpx.get(url, timeout=5)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    sys.exit(f"{name} did not answer {url} within {timeout} s:\n{processes.log_tail(name)}")


def worker_peaks(pid):
    """{worker pid: (peak RSS, current RSS) in MB} for the server's child processes."""
    peaks = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(pid):
            peaks[int(entry.name)] = tuple(
                int(fields.get(name, "0 kB").split()[0]) / 1024 for name in ("VmHWM", "VmRSS")
            )
    return peaks


def cpu_seconds(pids):
    """CPU time used so far by these processes and their children's threads, in seconds."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_until_idle(server_pids, timeout=60):
    """Wait until the servers' workers stop working through requests wrk gave up on.

    When wrk stops, the requests its connections had sent are still queued
    in the server; an uncached server takes seconds to render them, which
    the next run would otherwise pay for.
    """
    pids = [worker for pid in server_pids for worker in worker_peaks(pid)]
    deadline = time.monotonic() + timeout
    used = cpu_seconds(pids)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu_seconds(pids)
        if now - used < 0.05:  # under a tenth of a core over the half second
            return
        used = now


# The site ------------------------------------------------------------------


def site_environment(data_dir, database_url, **extra):
    env = dict(os.environ)
    env.update(
        NEWSDESK_DATA_DIR=str(data_dir),
        NEWSDESK_SECURE_COOKIES="0",
        NEWSDESK_ADMIN_PASSWORD=ADMIN_PASSWORD,
        NEWSDESK_LOG_LEVEL="WARNING",
        **extra,
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def make_site(env, stories):
    print(f"Setting up a demo site in {env['NEWSDESK_DATA_DIR']} (a minute or two)…", flush=True)
    subprocess.run([NEWSDESK, "setup"], env=env, check=True, stdout=subprocess.DEVNULL)
    # What the worker of a running site does as the stories are published:
    # the web processes find every picture size made.
    subprocess.run([NEWSDESK, "renditions"], env=env, check=True, stdout=subprocess.DEVNULL)
    if stories:
        print(f"Adding {stories:,} archive stories…", flush=True)
        subprocess.run([NEWSDESK, "demo", "--stories", str(stories), "--seed", "1"], env=env, check=True,
                       stdout=subprocess.DEVNULL)


def start_newsdesk(processes, name, env, port):
    command = [NEWSDESK, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2", "--no-access-log"]
    process = processes.start(name, command, env)
    wait_until_up(processes, name, process, f"http://127.0.0.1:{port}/robots.txt")
    return process


def start_nginx(processes, name, config, prefix, env, port):
    (prefix / "nginx.conf").write_text(config)
    command = ["nginx", "-c", str(prefix / "nginx.conf"), "-p", str(prefix), "-g", "daemon off;"]
    process = processes.start(name, command, env)
    wait_until_up(processes, name, process, f"http://127.0.0.1:{port}/")
    return process


def static_config(prefix, port, root):
    """nginx with the same process and connection settings as `newsdesk nginx-config` writes, serving files."""
    from newsdesk.pagecache.nginx import standalone

    server = f"""server {{
    listen 127.0.0.1:{port};
    root {root};
    default_type "text/html; charset=utf-8";
    location / {{ try_files $uri $uri/index.html =404; }}
}}"""
    return standalone(server, prefix, 2)


def discover(base):
    """{page: path} of a home page, a section, an article on it, a tag of that article, and the feed."""
    home = httpx.get(base + "/", timeout=60).text
    links = re.findall(r'href="(/[a-z0-9-]+/[a-z0-9-]+/)"', home)
    articles = [link for link in links if not link.startswith(("/authors/", "/tags/"))]
    if not articles:
        sys.exit("No story is linked from the home page: is the site set up?")
    article = articles[0]
    tags = re.findall(r'href="(/tags/[^"/]+/)"', httpx.get(base + article, timeout=60).text)
    return {
        "home": "/",
        "section": "/" + article.split("/")[1] + "/",
        "article": article,
        "rss": "/feeds/rss.xml",
        "tag": tags[0] if tags else None,
    }


def warm(base, paths):
    """Request each path until a cache answers it; {path: who answered last}.

    newsdesk marks its answers with X-Page-Cache (hit, miss or bypass); a page
    nginx sends from the cache folder has no such header.
    """
    served = {}
    for path in paths:
        for _ in range(3):
            response = httpx.get(base + path, timeout=60)
            response.raise_for_status()
            served[path] = response.headers.get("x-page-cache", "nginx, from disk")
            if served[path] in ("hit", "nginx, from disk"):
                break
    return served


def warm_workers(base, paths, requests=8):
    """Render each page in every worker thread first, so the load does not time their first render."""
    with ThreadPoolExecutor(requests) as pool:
        for path in paths:
            list(pool.map(lambda _: httpx.get(base + path, timeout=120), range(requests)))


# Measuring -----------------------------------------------------------------


@dataclass
class LoadResult:
    server: str
    page: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    socket_errors: dict = field(default_factory=dict)
    non_2xx: int = 0

    @property
    def errors(self):
        return sum(self.socket_errors.values())


UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def milliseconds(text):
    number, unit = re.fullmatch(r"([0-9.]+)([a-z]+)", text).groups()
    return float(number) * UNIT_MS[unit]


def parse_wrk(output, server, page):
    def find(pattern, default=None):
        match = re.search(pattern, output)
        return match.group(1) if match else default

    socket_errors = {}
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if match:
        socket_errors = dict(zip(("connect", "read", "write", "timeout"), map(int, match.groups())))
    return LoadResult(
        server=server,
        page=page,
        requests_per_second=float(find(r"Requests/sec:\s+([0-9.]+)", "0")),
        p50_ms=milliseconds(find(r"\s50%\s+([0-9.]+[a-z]+)", "0ms")),
        p99_ms=milliseconds(find(r"\s99%\s+([0-9.]+[a-z]+)", "0ms")),
        requests=int(find(r"(\d+) requests in", "0")),
        socket_errors=socket_errors,
        non_2xx=int(find(r"Non-2xx or 3xx responses: (\d+)", "0")),
    )


def load(server, page, url, args, server_pids):
    print(f"  wrk {server:>12} {page:<8} {url}", flush=True)
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", WRK_TIMEOUT,
               "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    wait_until_idle(server_pids)
    return parse_wrk(output, server, page)


@dataclass
class Timing:
    page: str
    path: str
    status: int
    samples: list

    @property
    def p50_ms(self):
        return statistics.median(self.samples)

    @property
    def p90_ms(self):
        return statistics.quantiles(self.samples, n=10)[-1] if len(self.samples) > 1 else self.samples[0]


def single_requests(base, page, path, samples, budget_seconds=20, data_dir=None):
    """Times `samples` requests one after another (fewer if they overrun the budget, at least 5).

    With `data_dir`, each request is cold: the site's content version is
    changed before it, as an editor's change would, so no fragment or
    remembered lookup of an earlier request is used.
    """
    with httpx.Client(timeout=120) as client:
        for _ in range(2):  # the first request in a worker loads templates
            client.get(base + path)
        times, status = [], 0
        started = time.monotonic()
        while len(times) < samples and (len(times) < 5 or time.monotonic() - started < budget_seconds):
            if data_dir is not None:
                new_content_version(data_dir)
            before = time.perf_counter()
            response = client.get(base + path)
            times.append((time.perf_counter() - before) * 1000)
            status = response.status_code
    return Timing(page, path, status, times)


def new_content_version(data_dir):
    """What newsdesk.pagecache.versions does on a change, for a site on one machine (no Redis)."""
    path = Path(data_dir) / "content-version"
    temporary = path.with_name(".content-version.benchmark")
    temporary.write_text(os.urandom(8).hex())
    os.replace(temporary, path)


# Reporting -----------------------------------------------------------------


def throughput_table(results, baseline):
    lines = [
        "| server | page | requests/s | ratio to nginx-static | p50 ms | p99 ms | socket errors | non-2xx |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        ratio = result.requests_per_second / baseline if baseline else 0
        errors = ", ".join(f"{k} {v}" for k, v in result.socket_errors.items() if v) or "0"
        lines.append(
            f"| {result.server} | {result.page} | {result.requests_per_second:,.0f} | {ratio:.3g} | "
            f"{result.p50_ms:.2f} | {result.p99_ms:.2f} | {errors} | {result.non_2xx} |"
        )
    return lines


def timing_table(timings):
    lines = ["| page | path | status | p50 ms | p90 ms | requests |", "| --- | --- | ---: | ---: | ---: | ---: |"]
    for timing in timings:
        lines.append(f"| {timing.page} | `{timing.path}` | {timing.status} | {timing.p50_ms:.1f} | "
                     f"{timing.p90_ms:.1f} | {len(timing.samples)} |")
    return lines


def memory_table(peaks):
    lines = ["| server | worker | peak RSS MB | RSS at the end MB |", "| --- | ---: | ---: | ---: |"]
    for server, workers in peaks.items():
        for number, (peak, current) in enumerate(sorted(workers.values(), reverse=True), 1):
            lines.append(f"| {server} | {number} | {peak:.0f} | {current:.0f} |")
    return lines


def check_targets(results, baseline, timings, peaks):
    """[(what, measured, goal, passed)] for each target."""
    by_key = {(result.server, result.page): result.requests_per_second / baseline for result in results}
    checks = []
    for what, server, page, least in THROUGHPUT_TARGETS:
        ratio = by_key.get((server, page))
        if ratio is not None:
            checks.append((what, f"{ratio:.3g} of nginx-static", f"≥ {least}", ratio >= least))
    by_page = {timing.page: timing for timing in timings}
    for page, most in LATENCY_TARGETS:
        if page in by_page:
            p50 = by_page[page].p50_ms
            checks.append((f"single uncached {page}, p50", f"{p50:.1f} ms", f"≤ {most} ms", p50 <= most))
    worst = max((peak for workers in peaks.values() for peak, _ in workers.values()), default=None)
    if worst is not None:
        checks.append(("web worker process, peak RSS", f"{worst:.0f} MB", f"≤ {MEMORY_TARGET_MB} MB",
                       worst <= MEMORY_TARGET_MB))
    return checks


def targets_table(checks):
    lines = ["| target | measured | goal | result |", "| --- | ---: | ---: | --- |"]
    for what, measured, goal, passed in checks:
        lines.append(f"| {what} | {measured} | {goal} | {'PASS' if passed else 'MISS'} |")
    return lines


def draw_chart(results, baseline, path):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    labels = [f"{result.server} · {result.page}" for result in results]
    # A server that answered nothing in time still gets a (tiny) bar on the log scale.
    ratios = [max(result.requests_per_second / baseline, 1e-5) for result in results]
    figure, axes = pyplot.subplots(figsize=(8, 0.4 * len(results) + 1.2))
    palette = {"nginx-static": "#888888", "cached": "#3b6ea8", "behind nginx": "#2e8b57", "uncached": "#c0504d"}
    colours = [palette.get(result.server, "#3b6ea8") for result in results]
    bars = axes.barh(labels[::-1], ratios[::-1], color=colours[::-1])
    axes.bar_label(bars, labels=[f"{ratio:.3g}" for ratio in ratios[::-1]], padding=3, fontsize=8)
    axes.set_xscale("log")
    axes.set_xlim(min(ratios) / 2, max(ratios) * 3)
    axes.axvline(1.0, color="#888", linewidth=1, linestyle="--")
    axes.set_xlabel("requests/s as a ratio to nginx serving a static file (log scale)")
    axes.set_title(f"newsdesk throughput, {baseline:,.0f} requests/s = 1", fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    pyplot.close(figure)


# Runs ----------------------------------------------------------------------


@dataclass
class Servers:
    """The four servers of a full run: their addresses, and the newsdesk processes to read memory from."""

    bases: dict  # {server name: "http://127.0.0.1:PORT"}
    paths: dict  # {page: path}, from discover()
    newsdesk_pids: dict  # {server name: pid of `newsdesk serve`}


def start_servers(env, work, processes):
    ports = {name: free_port() for name in ("nginx-static", "cached", "behind nginx", "uncached")}
    bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    cached = start_newsdesk(processes, "cached", env, ports["cached"])
    uncached = start_newsdesk(processes, "uncached", {**env, "NEWSDESK_PAGE_CACHE": "off"}, ports["uncached"])
    paths = discover(bases["uncached"])

    # The baseline: the article as the site renders it, saved as a file at the same path.
    static_root = work / "static-root"
    saved = static_root / paths["article"].strip("/") / "index.html"
    saved.parent.mkdir(parents=True)
    saved.write_bytes(httpx.get(bases["uncached"] + paths["article"], timeout=60).content)
    static_prefix = work / "nginx-static"
    static_prefix.mkdir()
    config = static_config(static_prefix, ports["nginx-static"], static_root)
    start_nginx(processes, "nginx-static", config, static_prefix, env, ports["nginx-static"])

    front_prefix = work / "nginx-front"
    config = subprocess.run(
        [NEWSDESK, "nginx-config", "--listen", f"127.0.0.1:{ports['behind nginx']}",
         "--upstream", f"127.0.0.1:{ports['cached']}", "--standalone", str(front_prefix), "--workers", "2"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    start_nginx(processes, "behind-nginx", config, front_prefix, env, ports["behind nginx"])
    return Servers(bases, paths, {"cached": cached.pid, "uncached": uncached.pid})


def throughput_run(args, env, work, processes):
    """Every measurement of the full run; returns the report's lines."""
    servers = start_servers(env, work, processes)
    bases, paths = servers.bases, servers.paths
    page_paths = [paths[page] for page in PAGES]
    served = {name: warm(bases[name], page_paths) for name in ("cached", "behind nginx")}

    print("Timing single requests on the quiet uncached server…", flush=True)
    timings = [single_requests(bases["uncached"], page, paths[page], args.samples) for page in PAGES]
    warm_workers(bases["uncached"], page_paths)

    print("Loading with wrk…", flush=True)
    pids = list(servers.newsdesk_pids.values())
    static_url = bases["nginx-static"] + paths["article"]
    results = [load("nginx-static", "article", static_url, args, pids)]
    for server in ("cached", "behind nginx", "uncached"):
        results.extend(load(server, page, bases[server] + paths[page], args, pids) for page in PAGES)
    # The baseline again at the end: on a shared machine the load from other
    # work changes during a run, and the mean of both is fairer to every row.
    results.append(load("nginx-static", "article, again", static_url, args, pids))
    peaks = {name: worker_peaks(pid) for name, pid in servers.newsdesk_pids.items()}

    baseline = statistics.mean(result.requests_per_second for result in results if result.server == "nginx-static")
    if args.chart:
        draw_chart(results, baseline, args.chart)
    return report_lines(args, paths, served, results, baseline, timings, peaks)


def report_lines(args, paths, served, results, baseline, timings, peaks):
    how_served = "; ".join(
        f"{server}: " + ", ".join(f"{page} {value}" for page, value in zip(PAGES, answers.values()))
        for server, answers in served.items()
    )
    return [
        f"wrk -t2 -c{args.connections} -d{args.duration}s --latency, no Accept-Encoding (bodies uncompressed); "
        f"ratios to {baseline:,.0f} requests/s, the mean of the two nginx-static runs (first and last); "
        f"2 newsdesk workers, 2 nginx workers. Paths: "
        + ", ".join(f"{page} `{paths[page]}`" for page in PAGES) + ".",
        f"Warmed before the load (last answer's X-Page-Cache, or the nginx that answered): {how_served}.",
        "",
        "### Throughput",
        "",
        *throughput_table(results, baseline),
        "",
        f"### Single requests, uncached server, one at a time (median of up to {args.samples})",
        "",
        *timing_table(timings),
        "",
        "### Web worker processes (VmHWM and VmRSS of granian's workers, after the load)",
        "",
        *memory_table(peaks),
        "",
        "### Targets",
        "",
        *targets_table(check_targets(results, baseline, timings, peaks)),
    ]


SCALE_TARGET = 2.0  # a page of the large archive takes at most this many times its time on the small one
# Streams one child sitemap inside a fresh Django process and reports its
# peak memory before and after: growth that does not follow the file's size
# is what "streamed in bounded memory" means.
SITEMAP_MEMORY_SCRIPT = r"""
import json, re, django
django.setup()
from django.test import Client

def peak_mb():
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\s+(\d+)", status.read()).group(1)) / 1024

client = Client(HTTP_HOST="localhost")
index = client.get("/sitemap.xml").content.decode()
files = re.findall(r"<loc>https?://[^/<]+(/sitemap-articles-\d+\.xml)</loc>", index)
before = peak_mb()
response = client.get(files[0])
size = urls = 0
for chunk in response.streaming_content:
    size += len(chunk)
    urls += chunk.count(b"<url>")
print(json.dumps({"path": files[0], "urls": urls, "bytes": size, "before_mb": before, "after_mb": peak_mb()}))
"""


def scale_pages(paths):
    return [
        ("home", "/"),
        ("section, page 1", paths["section"]),
        ("section, page 500", paths["section"] + "?page=500"),
        ("article", paths["article"]),
        ("search", "/search/?q=council"),
        ("tag page", paths["tag"]),
        ("sitemap index", "/sitemap.xml"),
    ]


def sitemap_memory(env):
    """Peak memory of a process streaming the first articles sitemap of the site: {path, urls, bytes, MB}."""
    import json

    command = [sys.executable, "-c", SITEMAP_MEMORY_SCRIPT]
    process_env = {**env, "NEWSDESK_PAGE_CACHE": "off", "DJANGO_SETTINGS_MODULE": "newsdesk.settings"}
    output = subprocess.run(command, env=process_env, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def scale_table(small, large):
    lines = [
        "| page | small p50 ms | large p50 ms | ratio | within 2× | small path | large path |",
        "| --- | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for before, after in zip(small, large, strict=True):
        ratio = after.p50_ms / before.p50_ms
        verdict = "yes" if ratio <= SCALE_TARGET else "NO"
        lines.append(
            f"| {before.page} | {before.p50_ms:.1f} | {after.p50_ms:.1f} | {ratio:.2f} | {verdict} | "
            f"`{before.path}` ({before.status}) | `{after.path}` ({after.status}) |"
        )
    return lines


def memory_lines(memories):
    lines = [
        "| site | sitemap file | URLs | MB written | peak RSS before MB | peak RSS after MB | growth MB |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for site, memory in memories:
        lines.append(
            f"| {site} | `{memory['path']}` | {memory['urls']:,} | {memory['bytes'] / 1e6:.1f} | "
            f"{memory['before_mb']:.0f} | {memory['after_mb']:.0f} | {memory['after_mb'] - memory['before_mb']:.1f} |"
        )
    return lines


def scale_run(args, env, processes):
    """Single uncached requests on pages whose cost may grow with the archive.

    With --compare-to, the same pages of a small site (the baseline) and of
    the large one, each page timed on the small site and then on the large
    one so that the machine's load weighs on both alike, with their ratio.
    """
    sites = [("large", env)]
    if args.compare_to:
        sites.insert(0, ("small", site_environment(args.compare_to.resolve(), args.compare_database_url)))
    bases, pages = {}, {}
    for name, site_env in sites:
        port = free_port()
        start_newsdesk(processes, f"uncached-{name}", {**site_env, "NEWSDESK_PAGE_CACHE": "off"}, port)
        bases[name] = f"http://127.0.0.1:{port}"
        pages[name] = [(page, path) for page, path in scale_pages(discover(bases[name])) if path]
    print("Timing single requests on the quiet uncached servers…", flush=True)
    timings = {name: [] for name, _ in sites}
    data_dirs = {name: site_env["NEWSDESK_DATA_DIR"] for name, site_env in sites}
    for number in range(len(pages["large"])):
        for name, _ in sites:
            page, path = pages[name][number]
            print(f"  {name:>5} {page:<18} {path}", flush=True)
            cold = data_dirs[name] if args.cold else None
            timings[name].append(single_requests(bases[name], page, path, args.samples, data_dir=cold))
    print("Streaming an articles sitemap in a process of its own…", flush=True)
    memories = [(name, sitemap_memory(site_env)) for name, site_env in sites]
    lines = [
        f"Single uncached requests, one at a time (median of up to {args.samples}, at most ~20 s per page)"
        + (", each after a change of the content version (cold fragments and lookups)." if args.cold else ".")
    ]
    if args.compare_to:
        lines += [
            f"Small site: {args.compare_to} ({(args.compare_database_url or 'sqlite').split(':')[0]}); "
            f"large site: {args.data_dir}.",
            "",
            *scale_table(timings["small"], timings["large"]),
        ]
    else:
        lines += ["", *timing_table(timings["large"])]
    return lines + [
        "",
        "Peak memory (VmHWM) of a Django process streaming the first articles sitemap, NEWSDESK_PAGE_CACHE=off:",
        "",
        *memory_lines(memories),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="Seconds of each wrk run.")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--samples", type=int, default=50, help="Single requests timed per page.")
    parser.add_argument("--data-dir", type=Path, help="Use this site rather than setting up a new one.")
    parser.add_argument("--database-url", help="The site's database (DATABASE_URL); SQLite in the data folder if not.")
    parser.add_argument("--stories", type=int, help="Add this many archive stories to a new site (`newsdesk demo`).")
    parser.add_argument("--chart", type=Path, default=Path("serve-benchmark.png"), help="Where to save the chart.")
    parser.add_argument("--output", type=Path, help="Also write the report to this Markdown file.")
    parser.add_argument("--scale", action="store_true", help="Only time single requests on archive pages.")
    parser.add_argument("--compare-to", type=Path,
                        help="With --scale: a small site's data folder, timed beside --data-dir with ratios.")
    parser.add_argument("--compare-database-url", help="The --compare-to site's DATABASE_URL.")
    parser.add_argument("--cold", action="store_true",
                        help="With --scale: change the content version before each request, so every page "
                        "is rendered without the fragments of the one before (sites without Redis).")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not args.scale and shutil.which(tool) is None:
            sys.exit(f"{tool} is needed (Debian: apt-get install {tool}).")

    load_before = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="newsdesk-serve-bench-"))
    data_dir = args.data_dir.resolve() if args.data_dir else work / "site"
    env = site_environment(data_dir, args.database_url)
    processes = Processes(work)
    signal.signal(signal.SIGTERM, raise_interrupt)
    try:
        if args.data_dir is None:
            make_site(env, args.stories)
        elif args.stories:
            sys.exit("--stories adds stories to the new site: leave out --data-dir, or run `newsdesk demo` yourself.")
        body = scale_run(args, env, processes) if args.scale else throughput_run(args, env, work, processes)
    except KeyboardInterrupt:
        sys.exit("Interrupted; the servers are stopped.")
    finally:
        processes.stop_all()
        shutil.rmtree(work, ignore_errors=True)

    title = "Archive pages" if args.scale else "Web serving"
    report = [
        f"## {title}: {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores",
        "",
        f"Site: {args.data_dir or 'a new demo site'}"
        + (f" (+{args.stories:,} archive stories)" if args.stories else "")
        + f", database {(args.database_url or 'sqlite').split(':')[0]}. Load average (1 min) "
        f"{load_before:.1f} before the run, {os.getloadavg()[0]:.1f} after: other work on the machine "
        "skews every figure, the ratios least.",
        "",
        *body,
    ]
    text = "\n".join(report) + "\n"
    print("\n" + text)
    if args.output:
        args.output.write_text(text)
    if args.chart and not args.scale:
        print(f"Chart: {args.chart}")


if __name__ == "__main__":
    main()
