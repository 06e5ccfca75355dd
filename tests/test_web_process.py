"""What a web process loads: no PostgreSQL driver on a SQLite site, no metrics library with metrics off."""

import json
import os
import subprocess
import sys

import pytest

from tests.support import REPO_ROOT

PROBE = """
import json, sys
import newsdesk.wsgi
print(json.dumps({name: sys.modules.get(name) is not None for name in ("psycopg", "prometheus_client")}))
"""


def loaded_by_web_process(tmp_path, **variables):
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "REDIS_URL", "NEWSDESK_METRICS", "DJANGO_SETTINGS_MODULE")}
    env.update(NEWSDESK_DATA_DIR=str(tmp_path), **variables)
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_sqlite_site_with_metrics_off_loads_neither_driver_nor_metrics(tmp_path):
    assert loaded_by_web_process(tmp_path) == {"psycopg": False, "prometheus_client": False}


def test_a_postgresql_site_with_metrics_on_loads_both(tmp_path):
    pytest.importorskip("psycopg")
    # Nothing connects while the process starts, so no server is needed here.
    loaded = loaded_by_web_process(tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:9/none",
                                   NEWSDESK_METRICS="on")
    assert loaded == {"psycopg": True, "prometheus_client": True}
