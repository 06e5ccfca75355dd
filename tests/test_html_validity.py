"""Every reader page is valid HTML according to the Nu Html Checker (npm vnu-jar).

A checker that did not run must never read as "no errors": the helper fails
unless the checker answered in JSON and found the error planted in a canary
document checked beside the pages.
"""

import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# A <div> inside <head> is an error the checker always reports.
CANARY = "<!DOCTYPE html><html lang=en><head><title>canary</title><div></div></head><body></body></html>"


class CheckerDidNotRun(Exception):
    """The Nu Html Checker failed to start, crashed or answered something other than its report."""


def html_errors(paths, java="java", jar=VNU_JAR):
    """The checker's errors for the HTML files `paths`, as "file:line: message" lines.

    Raises CheckerDidNotRun when the checker's answer cannot be trusted.
    """
    paths = [Path(path) for path in paths]
    canary = paths[0].with_name("nu-checker-canary.html") if paths else Path("nu-checker-canary.html")
    canary.write_text(CANARY, encoding="utf-8")
    try:
        result = subprocess.run(
            [java, "-jar", str(jar), "--format", "json", "--errors-only", str(canary), *map(str, paths)],
            capture_output=True,
            text=True,
            timeout=300,
        )
    except (FileNotFoundError, PermissionError) as error:
        raise CheckerDidNotRun(f"cannot start {java}: {error}") from error
    finally:
        canary.unlink(missing_ok=True)
    # The checker writes its JSON report to stderr and exits 0 (valid) or 1 (errors found).
    try:
        messages = json.loads(result.stderr)["messages"]
    except (ValueError, KeyError, TypeError) as error:
        raise CheckerDidNotRun(
            f"no JSON report (exit {result.returncode}): {(result.stderr or result.stdout)[:500]}"
        ) from error
    if result.returncode not in (0, 1):
        raise CheckerDidNotRun(f"exit {result.returncode}: {result.stderr[:500]}")
    unreadable = [m for m in messages if m.get("type") == "non-document-error"]
    if unreadable:
        raise CheckerDidNotRun(f"could not read the documents: {unreadable[:3]}")
    canary_errors = [m for m in messages if m.get("url", "").endswith(canary.name)]
    if not canary_errors:
        raise CheckerDidNotRun("it did not report the canary document's error, so it checked nothing")
    return [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m not in canary_errors
    ]


def require_checker():
    if not VNU_JAR.exists() or not shutil.which("java"):
        pytest.fail("The Nu Html Checker is missing: run `make test` (it installs vnu-jar and Java).")


def test_reader_pages_have_no_html_errors(running_site, reader_pages, tmp_path):
    require_checker()
    files = []
    for kind, url in reader_pages.items():
        response = httpx.get(running_site + url, timeout=60)
        assert response.status_code in (200, 404), (kind, response.status_code)
        path = tmp_path / f"{kind.replace(' ', '-')}.html"
        path.write_text(response.text, encoding="utf-8")
        files.append(path)
    errors = html_errors(files)
    assert not errors, "\n".join(errors)


def test_the_helper_reports_errors_in_a_broken_page(tmp_path):
    require_checker()
    (tmp_path / "broken.html").write_text(
        "<!DOCTYPE html><html lang=en><head><title>x</title></head><body><p><div></p></body></html>"
    )
    (tmp_path / "valid.html").write_text(
        "<!DOCTYPE html><html lang=en><head><title>x</title></head><body><p>Fine.</p></body></html>"
    )
    errors = html_errors([tmp_path / "broken.html", tmp_path / "valid.html"])
    assert errors and all(error.startswith("broken.html:") for error in errors)


def test_the_helper_fails_when_java_is_missing(tmp_path):
    (tmp_path / "page.html").write_text("<!DOCTYPE html><title>x</title>")
    with pytest.raises(CheckerDidNotRun, match="cannot start"):
        html_errors([tmp_path / "page.html"], java=str(tmp_path / "no-such-java"))


def test_the_helper_fails_when_the_jar_is_broken(tmp_path):
    if not shutil.which("java"):
        pytest.fail("Java is missing: run `make test` (it installs it).")
    (tmp_path / "page.html").write_text("<!DOCTYPE html><title>x</title>")
    broken_jar = tmp_path / "vnu.jar"
    broken_jar.write_bytes(b"this is not a jar")
    with pytest.raises(CheckerDidNotRun, match="no JSON report"):
        html_errors([tmp_path / "page.html"], jar=broken_jar)


def test_the_helper_fails_when_the_checker_prints_no_report(tmp_path):
    """A "java" that exits 0 and prints nothing is not a clean bill of health."""
    (tmp_path / "page.html").write_text("<!DOCTYPE html><title>x</title>")
    with pytest.raises(CheckerDidNotRun, match="no JSON report"):
        html_errors([tmp_path / "page.html"], java=shutil.which("true") or "/bin/true")
