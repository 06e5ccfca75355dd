"""`newsdesk extract`: saved pages in, one JSON object per page out."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.wire.commands import extract_command

RESOURCES = Path(__file__).parent / "resources"
STORY = RESOURCES / "republished_story.html"
FIELDS = ["url", "title", "author", "published", "language", "image", "text", "html"]


def run(*args, input=None):
    return CliRunner().invoke(extract_command, list(args), input=input, catch_exceptions=False)


def json_lines(result):
    return [json.loads(line) for line in result.stdout_bytes.decode("utf-8").splitlines()]


def test_single_file_prints_one_json_object():
    """A saved page prints as one JSON object with the extraction's fields."""
    result = run(str(STORY), "--url", "https://herald.example/world/flooded")

    assert result.exit_code == 0, result.output
    [record] = json_lines(result)
    assert list(record) == FIELDS
    assert record["url"] == "https://herald.example/world/flooded"
    assert record["title"] == "Flooded delta towns race to rebuild before the monsoon returns"
    assert "We are rebuilding the same wall that failed us" in record["text"]
    assert "<blockquote>" in record["html"]


def test_output_is_utf8_not_ascii_escapes():
    """Non-ASCII text is written as UTF-8, not as \\u escapes."""
    result = run(str(RESOURCES / "windows1252_story.html"))

    assert result.exit_code == 0, result.output
    raw = result.stdout_bytes.decode("utf-8")
    assert "Le café du Marché" in raw
    assert "\\u00e9" not in raw


def test_dash_reads_the_page_from_stdin():
    """FILE "-" reads the page from standard input."""
    result = run("-", input=STORY.read_bytes())

    assert result.exit_code == 0, result.output
    [record] = json_lines(result)
    assert record["author"] == "Jane Doe"


def test_page_without_a_story_fails_with_a_message():
    """A page with nothing to extract exits non-zero and says why on stderr."""
    result = run("-", input=b"<html><body></body></html>")

    assert result.exit_code == 1
    assert result.stdout_bytes == b""
    assert "no article text" in result.stderr


def test_file_and_manifest_are_exclusive():
    """Exactly one of FILE and --manifest must be given."""
    assert run().exit_code == 2
    manifest_result = run(str(STORY), "--manifest", str(STORY))
    assert manifest_result.exit_code == 2


@pytest.fixture
def manifest(tmp_path):
    """A manifest of a good page, a missing one, a garbage one and the good page again (absolute path)."""
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(STORY, pages / "story.html")
    (pages / "garbage.html").write_bytes(b"\x00\xff\x00 not a page")
    lines = [
        {"path": "pages/story.html", "url": "https://herald.example/1"},
        {"path": "pages/missing.html", "url": "https://herald.example/2"},
        {"path": "pages/garbage.html", "url": "https://herald.example/3"},
        {"path": str(RESOURCES / "windows1252_story.html"), "url": "https://herald.example/4"},
    ]
    path = tmp_path / "manifest.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_manifest_prints_a_line_per_page_in_order(manifest, jobs):
    """Every manifest page gets a line, in order; failed pages carry an error and the run goes on."""
    result = run("--manifest", str(manifest), "--jobs", jobs)

    assert result.exit_code == 0, result.output
    records = json_lines(result)
    assert [record["url"] for record in records] == [f"https://herald.example/{n}" for n in (1, 2, 3, 4)]
    good, missing, garbage, french = records
    assert good["path"] == "pages/story.html"
    assert "error" not in good
    assert "Until then the work is done by hand." in good["text"]
    assert missing["path"] == "pages/missing.html"
    assert "No such file" in missing["error"]
    assert garbage["path"] == "pages/garbage.html"
    assert garbage["error"]
    assert "text" not in garbage
    assert french["title"] == "Le café du Marché rouvre après huit mois de travaux"


def test_manifest_from_stdin_resolves_paths_against_the_working_folder(tmp_path, monkeypatch):
    """--manifest - reads the manifest from standard input, paths relative to the working folder."""
    shutil.copy(STORY, tmp_path / "story.html")
    monkeypatch.chdir(tmp_path)
    manifest = json.dumps({"path": "story.html", "url": "https://herald.example/1"}) + "\n\nnot json\n"

    result = run("--manifest", "-", input=manifest)

    assert result.exit_code == 0, result.output
    story, broken = json_lines(result)
    assert story["author"] == "Jane Doe"
    assert "line 3" in broken["error"]


def test_help_is_the_docstring():
    """--help shows the command's docstring and options."""
    result = run("--help")

    assert "Print the story in a saved page as JSON" in result.output
    assert "--manifest" in result.output and "--jobs" in result.output
