"""Lighthouse scores of the reader pages: home, a section, an article and search.

    .venv/bin/python benchmarks/lighthouse.py [--data-dir DIR] [--database-url URL]
        [--preset mobile|desktop] [--runs 3] [--cpu-slowdown N] [--reports DIR]

Sets up a demo site in a temporary data folder (unless --data-dir names an
existing one), serves it with `newsdesk serve` on a free port, and runs the
Lighthouse command-line tool (npm `lighthouse`, version 12) against
Debian's chromium on each page, in all four categories: performance,
accessibility, best practices and SEO. It prints a Markdown table of the
scores, then every audit that scored below 1 on some page, with Lighthouse's
own title and the page: first those that cost points, then those that
only advise (weight 0). Runs in which Lighthouse warned that this
machine's CPU is too slow for its throttling are counted, and the medians
shown again without them.

Lighthouse is installed once into .lighthouse/ of the checkout (ignored by
git) by `npm install --prefix .lighthouse lighthouse@12`; the script runs
that itself when it is missing. The browser is never downloaded: set
CHROME_PATH to use another one than /usr/bin/chromium.

Each page is requested first until the page cache answers it, as readers
find it: the first, uncached render of a page is timed by
benchmarks/serve.py, not here. Like the other benchmarks this is a report,
not a test: the exit status is 1 when a score is below 100, so a script
can tell, but nothing is asserted about timings. With --runs N each page is
measured N times and the median score of each category kept, as
Lighthouse's own advice on variability has it: the performance score moves
with the load of the machine, since Lighthouse's simulated slow phone is
this machine's CPU slowed down four times.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve import Processes, free_port, make_site, site_environment, start_newsdesk, warm  # noqa: E402
from serve import discover as serve_discover  # noqa: E402

CHECKOUT = Path(__file__).resolve().parent.parent
PREFIX = CHECKOUT / ".lighthouse"
LIGHTHOUSE = PREFIX / "node_modules" / ".bin" / "lighthouse"
PACKAGE = "lighthouse@12"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
HEADINGS = {"performance": "performance", "accessibility": "accessibility",
            "best-practices": "best practices", "seo": "SEO"}
PAGES = ("home", "section", "article", "search")


def install_lighthouse():
    if LIGHTHOUSE.exists():
        return
    print(f"Installing {PACKAGE} into {PREFIX}…", flush=True)
    subprocess.run(
        ["npm", "install", "--prefix", str(PREFIX), "--no-audit", "--no-fund", PACKAGE],
        check=True, stdout=subprocess.DEVNULL,
    )


def discover(base):
    """{page: path} of the home page, the section of the lead story, that story, and a search for a word of it."""
    pages = serve_discover(base)
    article = pages["article"]
    word = max(article.rstrip("/").split("/")[-1].split("-"), key=len)
    return {
        "home": "/",
        "section": pages["section"],
        "article": article,
        "search": "/search/?q=" + quote(word),
    }


def run_lighthouse(url, args, report_path):
    command = [
        str(LIGHTHOUSE), url,
        "--output=json", f"--output-path={report_path}",
        "--only-categories=" + ",".join(CATEGORIES),
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--quiet",
    ]
    if args.preset == "desktop":
        command.append("--preset=desktop")
    if args.cpu_slowdown:
        command.append(f"--throttling.cpuSlowdownMultiplier={args.cpu_slowdown}")
    env = {**os.environ, "CHROME_PATH": args.chrome}
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return json.loads(Path(report_path).read_text())


def scores_of(report):
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


def failing_audits(report):
    """(category, audit id, title, score, weight) of each scored audit below 1; weight 0 costs no points."""
    failing = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            score = audit.get("score")
            if score is not None and score < 1 and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings"):
                failing.append((name, ref["id"], audit["title"], score, ref.get("weight", 0)))
    return failing


@dataclass
class Run:
    scores: dict
    benchmark_index: float
    slow_host: bool  # Lighthouse warned that this machine's CPU was too slow for its throttling


def run_of(report):
    warnings = " ".join(report.get("runWarnings", []))
    return Run(scores_of(report), report["environment"]["benchmarkIndex"], "slower CPU" in warnings)


def median_scores(runs):
    return {name: round(statistics.median(run.scores[name] for run in runs)) for name in CATEGORIES}


def measure(base, paths, args, reports):
    """{page: (path, [Run], {audit id: failing audit})}."""
    results = {}
    for page in PAGES:
        url = base + paths[page]
        runs, failing = [], {}
        for number in range(1, args.runs + 1):
            print(f"Lighthouse: {page} {url} (run {number} of {args.runs})…", flush=True)
            report = run_lighthouse(url, args, reports / f"{page}-{number}.json")
            runs.append(run_of(report))
            for audit in failing_audits(report):
                if audit[1] not in failing or audit[3] < failing[audit[1]][3]:
                    failing[audit[1]] = audit  # the worst run's score
        results[page] = (paths[page], runs, failing)
    return results


def score_table(rows):
    lines = [
        "| page | path | " + " | ".join(HEADINGS[name] for name in CATEGORIES) + " | runs | benchmark index |",
        "| --- | --- | " + " | ".join("---:" for _ in CATEGORIES) + " | ---: | ---: |",
    ]
    for page, path, runs in rows:
        scores = median_scores(runs)
        indexes = sorted(run.benchmark_index for run in runs)
        lines.append(
            f"| {page} | `{path}` | " + " | ".join(str(scores[name]) for name in CATEGORIES)
            + f" | {len(runs)} | {indexes[0]:.0f}–{indexes[-1]:.0f} |"
        )
    return lines


def report_lines(results, args):
    throttling = f", CPU slowdown {args.cpu_slowdown}×" if args.cpu_slowdown else ""
    lines = [
        f"Lighthouse 12, {args.preset}{throttling}, chromium at {args.chrome}; median of {args.runs} run(s)"
        f" per page, pages served from the page cache; load average {os.getloadavg()[0]:.1f}"
        f" on {os.cpu_count()} cores at the end.",
        "",
        *score_table([(page, path, runs) for page, (path, runs, _) in results.items()]),
    ]
    slow = sum(run.slow_host for _, runs, _ in results.values() for run in runs)
    if slow:
        # Lighthouse's slow phone is this CPU slowed down four times: on a busy
        # machine it is slower still, and Lighthouse says so in the report.
        lines += ["", f"In {slow} run(s) Lighthouse warned that this machine's CPU was slower than its throttling"
                  " assumes (benchmark index under 1000). The same pages, runs without that warning only:", ""]
        fast = [(page, path, [run for run in runs if not run.slow_host]) for page, (path, runs, _) in results.items()]
        lines += score_table([row for row in fast if row[2]])
        lines += [f"| {page} | `{path}` | " + "– | " * len(CATEGORIES) + "0 | – |" for page, path, runs in fast if not runs]

    below = [(page, audit) for page, (_, _, failing) in results.items() for audit in failing.values()]
    costing = [(page, audit) for page, audit in below if audit[4] > 0]
    advice = [(page, audit) for page, audit in below if audit[4] == 0]
    lines.append("")
    if not below:
        lines.append("No audit scored below 1.")
    for heading, audits in (
        ("Audits below 1 in some run that cost points (weight > 0):", costing),
        ("Audits below 1 in some run that cost no points (weight 0: Lighthouse's advice):", advice),
    ):
        if not audits:
            continue
        lines += [heading, "", "| page | category | audit | score | weight |", "| --- | --- | --- | ---: | ---: |"]
        for page, (category, audit_id, title, score, weight) in audits:
            lines.append(f"| {page} | {HEADINGS[category]} | {title} (`{audit_id}`) | {score:.2f} | {weight} |")
        lines.append("")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", help="An existing site's data folder (default: a new demo site).")
    parser.add_argument("--database-url", help="DATABASE_URL of that site (default: SQLite in the data folder).")
    parser.add_argument("--preset", choices=("mobile", "desktop"), default="mobile",
                        help="Lighthouse's device and throttling: its default (mobile) or desktop.")
    parser.add_argument("--runs", type=int, default=3, help="Runs per page; the median score is kept.")
    parser.add_argument("--cpu-slowdown", type=float,
                        help="Lighthouse's CPU slowdown multiplier (its default: 4 on mobile, 1 on desktop).")
    parser.add_argument("--reports", help="Keep Lighthouse's JSON reports in this folder.")
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    args = parser.parse_args()

    if not Path(args.chrome).exists():
        sys.exit(f"No browser at {args.chrome}: install chromium or set CHROME_PATH.")
    install_lighthouse()
    work = Path(tempfile.mkdtemp(prefix="newsdesk-lighthouse-"))
    reports = Path(args.reports) if args.reports else work / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    data_dir = Path(args.data_dir).resolve() if args.data_dir else work / "data"
    env = site_environment(data_dir, args.database_url)
    processes = Processes(work)
    try:
        if not args.data_dir:
            make_site(env, 0)
        port = free_port()
        start_newsdesk(processes, "site", env, port)
        base = f"http://127.0.0.1:{port}"
        paths = discover(base)
        warm(base, paths.values())
        results = measure(base, paths, args, reports)
    finally:
        processes.stop_all()
        if not args.reports:
            shutil.rmtree(work, ignore_errors=True)
    print("\n" + "\n".join(report_lines(results, args)))
    perfect = all(score == 100 for _, runs, _ in results.values() for score in median_scores(runs).values())
    sys.exit(0 if perfect else 1)


if __name__ == "__main__":
    main()
