"""The hostile cases as runs of the newsdesk command, and the one site that publishes them.

Each transport case gets a copy of the template data folder (the World
section and the good outlet already in it), adds its hostile source with
``newsdesk sources add``, and polls everything with ``newsdesk ingest --once
--all``. The cases that publish share one data folder with a global
"publish" rule, and a site served from it by `newsdesk serve`. The runs are started
together on a small thread pool, because each newsdesk process spends
seconds starting up and most of the rest waiting on the hostile server.
"""

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.hostile import documents
from tests.hostile.processes import Database, base_environment, copy_data_dir, ingest_table, run_newsdesk
from tests.support import free_port

GOOD_NAME = "Good outlet"
GOOD_PATH = "/good/feed.xml"
GOOD_ITEMS = 2


def source_name(case):
    return f"hostile {case}"


@dataclass(frozen=True)
class Case:
    """A hostile source polled beside the good one, in a data folder of its own."""

    name: str
    add_when_hostile: bool = False  # also run `sources add` on the hostile URL itself
    ingest_timeout: float = 60
    env: tuple = ()
    # For the credentials case: request headers the source sends (set with `newsdesk shell`).
    headers: tuple = ()


SECRET = "hostile-suite-secret"

# What each hostile source's poll came to, as `newsdesk ingest` printed it: for the session's summary.
OUTCOMES = {}

TRANSPORT_CASES = [
    Case("brotli-bomb", add_when_hostile=True),
    Case("gzip-bomb", add_when_hostile=True),
    Case("gzip-gzip", add_when_hostile=True),
    Case("br-gzip", add_when_hostile=True),
    Case("gigabyte-declared"),
    Case("gigabyte-undeclared"),
    Case("slow-headers", add_when_hostile=True),
    Case("slow-body"),
    Case("redirect-loop"),
    Case("redirect-file"),
    Case("endless-headers"),
    Case("redirect-metadata"),
    Case("redirect-credentials",
         headers=(("Authorization", f"Bearer {SECRET}"), ("Cookie", f"session={SECRET}"), ("X-Api-Key", SECRET))),
    Case("billion-laughs", add_when_hostile=True),
    Case("big-entity"),
    Case("external-entity"),
    Case("many-hosts", ingest_timeout=240,
         env=(("NEWSDESK_POLL_MAX_ITEMS", "200"), ("NEWSDESK_POLL_MAX_NEW_HOSTS", "20"))),
    Case("bombs-behind-links", ingest_timeout=90),
]

# Sources of the publishing site, all polled in one run; a disguised one is
# added while it still serves a valid feed (its hostile answer would not be added).
PUBLISHED_CASES = [
    "escaped-markup", "escaped-atom", "attribute-smuggling", "script-urls", "hostile-article",
    *documents.ENCODING_TITLES, "json-wrong-types",
]
DISGUISED_PUBLISHED_CASES = ["json-items-object"]
# Added without --name: the source, and so the byline, is named by the feed's hostile title.
NAMELESS_PUBLISHED_CASES = ["hostile-name"]


@dataclass
class CaseRun:
    case: Case
    data_dir: Path
    url: str
    good_url: str
    add: object = None
    hostile_add: object = None
    prepare: object = None
    ingest: object = None

    @property
    def database(self):
        return Database(self.data_dir)

    def runs(self):
        return [run for run in (self.hostile_add, self.add, self.prepare, self.ingest) if run is not None]


@dataclass
class PublishingRun:
    data_dir: Path
    base_url: str = ""
    adds: dict = field(default_factory=dict)
    urls: dict = field(default_factory=dict)
    rule: object = None
    ingest: object = None
    site: subprocess.Popen | None = None
    site_error: str = ""

    @property
    def database(self):
        return Database(self.data_dir)

    def runs(self):
        return [*self.adds.values(), *(run for run in (self.rule, self.ingest) if run is not None)]


# --- the template ------------------------------------------------------------

SECTION_SCRIPT = """
from newsdesk.bootstrap import ensure_home_page
from newsdesk.stories.models import SectionPage
home = ensure_home_page()
if not SectionPage.objects.filter(slug="world").exists():
    section = home.add_child(instance=SectionPage(title="World", slug="world"))
    section.save_revision().publish()
print("sections:", list(SectionPage.objects.values_list("slug", flat=True)))
"""


def build_template(root, server):
    """A data folder set up once: site, World section, and the good outlet as a source."""
    data = root / "template" / "data"
    data.mkdir(parents=True)
    env = base_environment(data)
    steps = [
        ("template: setup", ["setup", "--no-demo"], 400),
        ("template: section", ["shell", "-c", SECTION_SCRIPT], 120),
        # Filed under the section made just before.
        ("template: good source", ["sources", "add", server.url(GOOD_PATH), "--name", GOOD_NAME,
                                    "--section", "world"], 120),
    ]
    for label, args, timeout in steps:
        run = run_newsdesk(label, args, env, timeout)
        if run.returncode != 0:
            raise RuntimeError(f"Could not build the template data folder.\n{run.describe()}")
    return data


# --- one transport case --------------------------------------------------------

def run_case(case, server, template, root):
    data = copy_data_dir(template, root / case.name / "data")
    env = base_environment(data, **dict(case.env))
    url = server.url(f"/case/{case.name}")
    result = CaseRun(case, data, url, server.url(GOOD_PATH))
    if case.add_when_hostile:
        # In a copy of its own, so a hostile source it might accept is not polled below.
        scratch = copy_data_dir(template, root / case.name / "data-add")
        result.hostile_add = run_newsdesk(
            f"{case.name}: add while hostile",
            ["sources", "add", server.url(f"/armed/{case.name}"), "--name", source_name(case.name)],
            base_environment(scratch, **dict(case.env)), timeout=60)
    result.add = run_newsdesk(f"{case.name}: add", ["sources", "add", url, "--name", source_name(case.name),
                                                    "--section", "world"], env, timeout=60)
    if case.headers:
        script = (f"from newsdesk.wire.models import Source; "
                  f"print(Source.objects.filter(url={url!r}).update(headers={dict(case.headers)!r}))")
        result.prepare = run_newsdesk(f"{case.name}: set headers", ["shell", "-c", script], env, timeout=60)
    server.arm(case.name)
    result.ingest = run_newsdesk(f"{case.name}: ingest", ["ingest", "--once", "--all"], env,
                                 timeout=case.ingest_timeout)
    OUTCOMES[case.name] = ingest_table(result.ingest).get(source_name(case.name), {}).get("result", "no row")
    return result


# --- sources at private addresses -------------------------------------------

# The metadata address written every way an address guard might miss.
PRIVATE_URLS = {
    "metadata address": "http://169.254.169.254/latest/meta-data/",
    "metadata address mapped into IPv6": "http://[::ffff:169.254.169.254]/latest/meta-data/",
    "metadata address as one number": "http://2852039166/latest/meta-data/",
    "private network address": "http://10.0.0.1/feed.xml",
}


def run_private_add(label, url, template, root):
    slug = "private-" + "-".join(label.split())
    data = copy_data_dir(template, root / slug / "data")
    return run_newsdesk(f"add {label}", ["sources", "add", url], base_environment(data), timeout=60)


# --- the publishing site -------------------------------------------------------

RULE_SCRIPT = """
from newsdesk.wire.models import Rule
Rule.objects.create(action="publish", position=0)
print("rules:", Rule.objects.count())
"""


def run_publishing(server, template, root, started_sites):
    data = copy_data_dir(template, root / "publishing" / "data")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = base_environment(data, NEWSDESK_BASE_URL=base_url, NEWSDESK_FEED_ITEMS=100)
    result = PublishingRun(data, base_url)

    def add(name):
        url = server.url(f"/case/{name}")
        result.urls[name] = url
        naming = [] if name in NAMELESS_PUBLISHED_CASES else ["--name", source_name(name)]
        result.adds[name] = run_newsdesk(f"publishing: add {name}", [
            "sources", "add", url, *naming, "--section", "world"], env, timeout=60)

    for name in PUBLISHED_CASES + NAMELESS_PUBLISHED_CASES:
        server.arm(name)
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(add, PUBLISHED_CASES + NAMELESS_PUBLISHED_CASES + DISGUISED_PUBLISHED_CASES))
    for name in DISGUISED_PUBLISHED_CASES:
        server.arm(name)
    result.rule = run_newsdesk("publishing: rule", ["shell", "-c", RULE_SCRIPT], env, timeout=60)
    result.ingest = run_newsdesk("publishing: ingest", ["ingest", "--once", "--all"], env, timeout=120)
    table = ingest_table(result.ingest)
    for name in result.urls:
        row = table.get(source_name(name)) or next(
            (row for source, row in table.items() if name in NAMELESS_PUBLISHED_CASES and "Gazette" in source), {})
        OUTCOMES[f"publishing: {name}"] = row.get("result", "no row")
    result.site = subprocess.Popen(
        [sys.executable, "-m", "newsdesk", "serve", "--port", str(port), "--workers", "1", "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )
    started_sites.append(result.site)
    result.site_error = _wait_for_site(base_url, result.site)
    return result


def _wait_for_site(base_url, process, limit=120):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"the web server exited with {process.returncode}"
        try:
            if httpx.get(base_url + "/", timeout=5).status_code == 200:
                return ""
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    return f"the site did not answer within {limit} s"


# --- everything at once -----------------------------------------------------------

@dataclass
class HostileRuns:
    cases: dict
    publishing: PublishingRun
    private_adds: dict


def run_everything(server, template, root, started_sites, workers=4):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        publishing = pool.submit(run_publishing, server, template, root, started_sites)
        # The longest runs first, so the pool drains evenly.
        ordered = sorted(TRANSPORT_CASES, key=lambda case: -case.ingest_timeout)
        futures = {case.name: pool.submit(run_case, case, server, template, root) for case in ordered}
        private = {label: pool.submit(run_private_add, label, url, template, root)
                   for label, url in PRIVATE_URLS.items()}
        cases = {}
        for name, future in futures.items():
            try:
                cases[name] = future.result()
            except Exception as error:  # reported by the case's own test
                cases[name] = error
        private_adds = {}
        for label, future in private.items():
            try:
                private_adds[label] = future.result()
            except Exception as error:
                private_adds[label] = error
        try:
            published = publishing.result()
        except Exception as error:
            published = error
    return HostileRuns(cases, published, private_adds)
