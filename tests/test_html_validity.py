"""Every reader page is valid HTML according to the Nu Html Checker (npm vnu-jar)."""

import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_reader_pages_have_no_html_errors(running_site, reader_pages, tmp_path):
    if not VNU_JAR.exists() or not shutil.which("java"):
        pytest.fail("The Nu Html Checker is missing: run `make test` (it installs vnu-jar and Java).")
    files = []
    for kind, url in reader_pages.items():
        response = httpx.get(running_site + url)
        assert response.status_code in (200, 404), (kind, response.status_code)
        path = tmp_path / f"{kind.replace(' ', '-')}.html"
        path.write_text(response.text, encoding="utf-8")
        files.append(str(path))
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert not errors, "\n".join(errors)
