"""NEWSDESK_LOG_FORMAT=json turns the console's log lines into one JSON object each."""

import json
import subprocess
import sys

from tests.support import REPO_ROOT

from .support import clean_environment

LOG_SOME = """
import logging, django
django.setup()
log = logging.getLogger("newsdesk.wire")
log.warning("Poll of %s failed", "Example Feed", extra={"source_id": 7})
try:
    1 / 0
except ZeroDivisionError:
    log.exception("Stage failed")
"""


def test_json_logs_carry_level_logger_message_extras_and_traceback(tmp_path):
    env = clean_environment(tmp_path, NEWSDESK_LOG_FORMAT="json")
    result = subprocess.run(
        [sys.executable, "-c", LOG_SOME], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    warning, error = lines[-2], lines[-1]
    assert warning["level"] == "WARNING" and warning["logger"] == "newsdesk.wire"
    assert warning["message"] == "Poll of Example Feed failed"
    assert warning["source_id"] == 7
    assert warning["time"].endswith("+00:00")
    assert error["level"] == "ERROR" and "ZeroDivisionError" in error["exception"]
