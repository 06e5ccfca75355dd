"""A production-mode site for each test: PostgreSQL, Redis and the RQ task queue.

`newsdesk setup` on PostgreSQL takes a minute and more (migrations, the
demo newsroom), so it runs once per session into a template database;
each test gets a copy of it (CREATE DATABASE … TEMPLATE, a fraction of a
second), a copy of its data folder and an emptied Redis database, and runs
the real commands against them in processes of their own.

When PostgreSQL or Redis cannot be reached the tests are skipped with the
reason; `make test` (scripts/install-test-deps.sh) installs and starts both.
"""

import json
import os
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.support import newsdesk_command

ADMIN_URL = os.environ.get("NEWSDESK_TEST_POSTGRES_URL", "postgres://newsdesk:newsdesk@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("NEWSDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
ADMIN_PASSWORD = "production-test-password"
RESULT_MARK = "RESULT:"


def database_url(name):
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def postgres_admin():
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[postgres]')")
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable at {ADMIN_URL} ({error}); `make test` installs and starts it.")
    yield admin
    admin.close()


@pytest.fixture(scope="session")
def redis_client():
    redis = pytest.importorskip("redis", reason="redis is not installed (pip install -e '.[redis]')")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.ConnectionError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({error}); `make test` installs and starts it.")
    yield client
    client.close()


def base_environment(data_dir, database, **settings):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("NEWSDESK_", "DJANGO_"))}
    env.update(
        DATABASE_URL=database,
        NEWSDESK_REDIS_URL=REDIS_URL,
        NEWSDESK_TASKS_BACKEND="django_tasks_rq.RQBackend",
        NEWSDESK_DATA_DIR=str(data_dir),
        NEWSDESK_SECURE_COOKIES="0",
        NEWSDESK_ADMIN_PASSWORD=ADMIN_PASSWORD,
        NEWSDESK_FETCH_ALLOWED_NETWORKS="127.0.0.1/32",
        NEWSDESK_FETCH_PER_HOST_DELAY="0",
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
    )
    env.update({name: str(value) for name, value in settings.items()})
    return env


WARM_SITE = """
from newsdesk.copies import meaning
from newsdesk.sections.training import retrain
retrain()
meaning.english_available() and meaning.english_vectors(["a"])
meaning.multilingual_available() and meaning.multilingual_vectors(["a"])
"""


@pytest.fixture(scope="session")
def site_template(postgres_admin, redis_client, tmp_path_factory):
    """A database and data folder where `newsdesk setup` has run, to be copied by each test."""
    name = f"newsdesk_e2e_template_{uuid.uuid4().hex[:8]}"
    data_dir = tmp_path_factory.mktemp("production-template")
    postgres_admin.execute(f'CREATE DATABASE "{name}"')
    try:
        setup = subprocess.run(
            newsdesk_command("setup"), env=base_environment(data_dir, database_url(name)),
            capture_output=True, text=True, timeout=600,
        )
        assert setup.returncode == 0, setup.stderr[-5000:]
        # A running site has trained its section model and built its int8
        # sentence encoders (in its data folder); doing both here, once, spares
        # every test's first worker the 10-40 s they take, which on a slow
        # machine ate the time a test gives its worker to get going.
        train = subprocess.run(
            newsdesk_command("shell", "-c", WARM_SITE),
            env=base_environment(data_dir, database_url(name)), capture_output=True, text=True, timeout=600,
        )
        assert train.returncode == 0, train.stderr[-5000:]
        yield name, data_dir
    finally:
        postgres_admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class ProductionSite:
    """One test's copy of the site: its environment, and helpers to run commands in it."""

    def __init__(self, environment):
        self.environment = environment
        self.processes = []

    def with_settings(self, **settings):
        self.environment.update({name: str(value) for name, value in settings.items()})

    def sql(self, statement, *parameters):
        """Rows of one SQL statement on the site's database, read from outside its processes."""
        import psycopg

        with psycopg.connect(self.environment["DATABASE_URL"], autocommit=True) as connection:
            cursor = connection.execute(statement, parameters)
            return cursor.fetchall() if cursor.description else []

    def query(self, code, timeout=120):
        """Run `code` in `newsdesk shell`; it sets `result`, which comes back as JSON."""
        program = code + f"\nimport json\nprint({RESULT_MARK!r} + json.dumps(result, default=str))\n"
        ran = subprocess.run(
            newsdesk_command("shell", "-c", program), env=self.environment,
            capture_output=True, text=True, timeout=timeout,
        )
        lines = [line for line in ran.stdout.splitlines() if line.startswith(RESULT_MARK)]
        assert ran.returncode == 0 and lines, ran.stderr[-5000:]
        return json.loads(lines[-1][len(RESULT_MARK):])

    def start(self, *args):
        """Start `newsdesk *args` in the background; it is stopped at the end of the test."""
        process = subprocess.Popen(
            newsdesk_command(*args), env=self.environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.processes.append(process)
        return process

    def start_shell(self, code):
        """Run `code` in a background `newsdesk shell` (a loop the test stops)."""
        return self.start("shell", "-c", code)

    def stop(self, process, timeout=30):
        """Stop as an operator would (SIGTERM: RQ finishes the task at hand), and wait."""
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop_all(self):
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            self.stop(process)
            kill_children(process.pid)


def rounds(*tasks):
    """Code for `newsdesk shell` that enqueues `tasks` (dotted paths) in a loop, as a busy scheduler would.

    The workers' own scheduler starts these every 30 seconds; the production
    tests run for less. Each round waits (5 s at most: a killed worker never
    finishes its task) until its tasks are done, so rounds never pile up in
    the queue ahead of the work they queue.
    """
    return f"""
import time
from django.utils.module_loading import import_string
tasks = [import_string(path) for path in {list(tasks)!r}]
while True:
    started = [task.enqueue() for task in tasks]
    deadline = time.monotonic() + 5
    while not all(result.is_finished for result in started) and time.monotonic() < deadline:
        time.sleep(0.1)
        for result in started:
            result.refresh()
    time.sleep(0.1)
"""


def children(pid):
    """The processes whose parent is `pid` (an RQ worker's work horse), read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The second field, the command name, is in parentheses and may hold spaces.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def kill_children(pid):
    for child in children(pid):
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture
def production_site(site_template, postgres_admin, redis_client, tmp_path):
    """A fresh copy of the set-up site on PostgreSQL, with an empty Redis database and the RQ queue."""
    template, template_data = site_template
    name = f"newsdesk_e2e_{uuid.uuid4().hex[:8]}"
    postgres_admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    data_dir = tmp_path / "data"
    shutil.copytree(template_data, data_dir)
    redis_client.flushdb()
    site = ProductionSite(base_environment(data_dir, database_url(name)))
    try:
        yield site
    finally:
        site.stop_all()
        redis_client.flushdb()
        postgres_admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_until(condition, timeout, message, every=1.0):
    """Call `condition` until it returns something true; fail with `message` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, message
        time.sleep(every)
