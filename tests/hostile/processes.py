"""Running the ``newsdesk`` command as a reader's machine would, and measuring each run.

Every command runs in a process of its own under netguard.py, with its own
data folder and a hard timeout. netguard.py records the command's own peak
resident memory (VmHWM) as it exits, so each figure belongs to one command;
``os.wait4`` reaps it.
"""

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support import REPO_ROOT

NETGUARD = Path(__file__).with_name("netguard.py")

# What one fetch may take (NEWSDESK_FETCH_TIMEOUT), and the memory any one
# newsdesk command may peak at while hostile sources are read.
FETCH_TIMEOUT = 3
MEMORY_LIMIT_MB = 300

# Figures for the table printed at the end of the session.
MEASUREMENTS = []


@dataclass
class Run:
    """One finished newsdesk command."""

    label: str
    args: tuple
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float
    timed_out: bool
    network: list = field(default_factory=list)  # lines netguard.py logged

    @property
    def output(self):
        return self.stdout + self.stderr

    def describe(self):
        state = "timed out" if self.timed_out else f"exit {self.returncode}"
        tail = self.output.strip().splitlines()[-12:]
        return (f"`newsdesk {' '.join(self.args)}` ({self.label}): {state} after {self.seconds:.1f} s, "
                f"peak {self.peak_mb:.0f} MB\n" + "\n".join(tail))


def base_environment(data_dir, **extra):
    """The environment of a newsdesk process on `data_dir`: none of the caller's newsdesk settings."""
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("NEWSDESK_", "DJANGO_")) and key not in {"DATABASE_URL", "http_proxy", "https_proxy",
                                                                       "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
        NEWSDESK_DATA_DIR=str(data_dir),
        NEWSDESK_SECRET_KEY="hostile-suite-secret-key-not-for-production",
        NEWSDESK_SECURE_COOKIES="0",
        # Pages are checked, not styled: no manifest of hashed static files is needed.
        NEWSDESK_STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        NEWSDESK_FETCH_ALLOWED_NETWORKS="127.0.0.1/32",
        NEWSDESK_FETCH_TIMEOUT=str(FETCH_TIMEOUT),
        NEWSDESK_FETCH_PER_HOST_DELAY="0",
        NEWSDESK_LOG_LEVEL="WARNING",
        # The memory bound is on what hostile input costs: the sentence
        # encoders' weights (about 450 MB, loaded whatever the input) stay out.
        NEWSDESK_CLUSTER_ENCODERS="0",
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def run_newsdesk(label, args, env, timeout):
    """Run `newsdesk ARGS…`; return a Run with its output, duration and peak memory."""
    data_dir = Path(env["NEWSDESK_DATA_DIR"])
    logs = data_dir.parent / "logs"
    logs.mkdir(exist_ok=True)
    stem = re.sub(r"[^a-z0-9]+", "-", f"{label} {args[0]} {time.monotonic_ns()}".lower())
    out_path, err_path, net_path = (logs / f"{stem}.{suffix}" for suffix in ("out", "err", "net"))
    command = [sys.executable, str(NETGUARD), str(net_path), *args]
    started = time.monotonic()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        process = subprocess.Popen(command, env=env, cwd=REPO_ROOT, stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        status, usage, timed_out = _wait(process, timeout)
    seconds = time.monotonic() - started
    returncode = None if timed_out else os.waitstatus_to_exitcode(status)
    network = net_path.read_text().splitlines() if net_path.exists() else []
    peak_path = Path(f"{net_path}.peak")
    # netguard.py writes the command's own peak as it exits; a command killed
    # at its timeout writes none, and wait4's figure (an upper bound) stands.
    peak_kb = int(peak_path.read_text()) if peak_path.exists() else usage.ru_maxrss
    run = Run(label, tuple(args), returncode, out_path.read_text(errors="replace"),
              err_path.read_text(errors="replace"), seconds, peak_kb / 1024, timed_out, network)
    MEASUREMENTS.append(run)
    return run


def _wait(process, timeout):
    """Reap `process` with wait4 (its own rusage), killing its group once `timeout` has passed."""
    deadline = time.monotonic() + timeout
    timed_out = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            timed_out = True
            os.killpg(process.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.05)
    process.returncode = status  # reaped here: keep Popen from waiting again
    return status, usage, timed_out


def copy_data_dir(template, destination):
    """A copy of a data folder; the collected static files are shared, not copied."""
    shutil.copytree(template, destination, ignore=shutil.ignore_patterns("static"))
    if (Path(template) / "static").exists():
        (Path(destination) / "static").symlink_to(Path(template).resolve() / "static")
    return destination


class Database:
    """Read-only look at a data folder's SQLite database, as an operator's sqlite3 would."""

    def __init__(self, data_dir):
        self.path = Path(data_dir) / "newsdesk.sqlite3"

    def rows(self, query, *params):
        connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=10)
        connection.row_factory = sqlite3.Row
        try:
            return [dict(row) for row in connection.execute(query, params)]
        finally:
            connection.close()

    def source(self, url):
        found = self.rows("SELECT * FROM wire_source WHERE url = ?", url)
        return found[0] if found else None

    def sources(self):
        return self.rows("SELECT * FROM wire_source")

    def items(self, source_url):
        return self.rows(
            "SELECT item.* FROM wire_wireitem item JOIN wire_source source ON item.source_id = source.id "
            "WHERE source.url = ?", source_url)

    def item_count(self, source_url):
        return self.rows(
            "SELECT COUNT(*) AS n FROM wire_wireitem item JOIN wire_source source ON item.source_id = source.id "
            "WHERE source.url = ?", source_url)[0]["n"]


def ingest_table(run):
    """The rows of `newsdesk ingest`'s table, by source name: {name: {result, new, …, seconds}}."""
    lines = run.stdout.splitlines()
    try:
        header_at = next(index for index, line in enumerate(lines) if line.split()[:2] == ["source", "result"])
    except StopIteration:
        return {}
    header = lines[header_at]
    columns = [(match.group(), match.start()) for match in re.finditer(r"\S+", header)]
    table = {}
    for line in lines[header_at + 2:]:
        if not line.strip():
            continue
        cells = {}
        for index, (name, start) in enumerate(columns):
            end = columns[index + 1][1] if index + 1 < len(columns) else None
            cells[name] = line[start:end].strip()
        table[cells["source"]] = cells
    return table


def reap_site(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
