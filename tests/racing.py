"""Real races: threads started together, in a process of their own, on a real database.

pytest-django's test database lives inside one transaction that other
threads cannot see, so it cannot host a race. Here each race runs in a
child process (`RaceDatabase.run`) on a database of its own, migrated once
per test session: a SQLite file in WAL mode, as a laptop install runs it,
or a PostgreSQL database, as production does. Inside the child, `race`
starts threads that wait at a barrier and then all go at once, each with
its own database connection.
"""

import importlib
import json
import os
import subprocess
import sys
import threading
import traceback

import pytest

from tests.support import REPO_ROOT

POSTGRES_ADMIN_URL = os.environ.get(
    "NEWSDESK_TEST_POSTGRES_URL", "postgres://newsdesk:newsdesk@127.0.0.1:5432/postgres"
)
POSTGRES_DATABASE = "newsdesk_polling_race"
RESULT_MARK = "RACE-RESULT:"
BACKENDS = ["sqlite", "postgresql"]

_prepared = {}  # backend -> RaceDatabase, shared by every test module of the session


class RaceDatabase:
    """A migrated database and the environment a child process needs to use it."""

    def __init__(self, backend, url, data_dir):
        self.backend = backend
        self.url = url
        self.data_dir = data_dir

    def environment(self, **settings):
        env = {key: value for key, value in os.environ.items() if not key.startswith(("NEWSDESK_", "DJANGO_"))}
        env.update(
            DATABASE_URL=self.url,
            NEWSDESK_DATA_DIR=str(self.data_dir),
            NEWSDESK_SECRET_KEY="race-test-secret-key",
            NEWSDESK_FETCH_ALLOWED_NETWORKS="127.0.0.1/32",
            NEWSDESK_FETCH_PER_HOST_DELAY="0",
            NEWSDESK_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
            DJANGO_SETTINGS_MODULE="newsdesk.settings",
        )
        env.update({name: str(value) for name, value in settings.items()})
        return env

    def migrate(self):
        result = subprocess.run(
            [sys.executable, "-m", "newsdesk", "migrate", "--no-input", "-v", "0"],
            cwd=REPO_ROOT, env=self.environment(), capture_output=True, text=True, timeout=600,
        )
        assert result.returncode == 0, result.stderr[-3000:]

    def run(self, target, settings=None, timeout=180, **arguments):
        """Call `target` ("module:function") with `arguments` in a child process; return its JSON result."""
        result = subprocess.run(
            [sys.executable, "-c", "from tests.racing import child; child()", target, json.dumps(arguments)],
            cwd=REPO_ROOT, env=self.environment(**(settings or {})), capture_output=True, text=True,
            timeout=timeout,
        )
        lines = [line for line in result.stdout.splitlines() if line.startswith(RESULT_MARK)]
        assert result.returncode == 0 and lines, f"the race process failed:\n{result.stderr[-5000:]}"
        return json.loads(lines[-1][len(RESULT_MARK):])


def prepared_database(backend, request, tmp_path_factory):
    """The session's migrated database for `backend`; skips when PostgreSQL cannot be reached."""
    if backend in _prepared:
        return _prepared[backend]
    data_dir = tmp_path_factory.mktemp(f"race-{backend}")
    if backend == "sqlite":
        url = f"sqlite:///{data_dir / 'race.sqlite3'}"
    else:
        url = create_postgres_database(request)
    database = RaceDatabase(backend, url, data_dir)
    database.migrate()
    _prepared[backend] = database
    return database


def create_postgres_database(request):
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[postgres]')")
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {error}")
    admin.execute(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{POSTGRES_DATABASE}"')

    def drop():
        admin.execute(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)')
        admin.close()

    request.config.add_cleanup(drop)
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + POSTGRES_DATABASE


def race(count, work):
    """Run `work(number)` in `count` threads released together; return their results in order.

    Each thread closes its own database connections when done. An exception
    in any thread is raised here, with its traceback.
    """
    from django.db import connections

    barrier = threading.Barrier(count)
    results = [None] * count
    failures = []

    def runner(number):
        try:
            barrier.wait(timeout=60)
            results[number] = work(number)
        except BaseException:
            failures.append(traceback.format_exc())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError("A racing thread failed:\n" + failures[0])
    return results


def child():
    """The child process: set Django up, call the target, print its result as JSON."""
    import django

    target, arguments = sys.argv[1], json.loads(sys.argv[2])
    django.setup()
    module_name, function_name = target.split(":")
    function = getattr(importlib.import_module(module_name), function_name)
    print(RESULT_MARK + json.dumps(function(**arguments), default=str), flush=True)
