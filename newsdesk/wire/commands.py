"""Wire desk commands for the newsdesk CLI: `newsdesk extract`."""

import json
import os
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import click

from newsdesk.wire.extraction import extract

# Pages handed to a worker at a time in --jobs mode: enough to keep the pool
# busy without holding up the in-order output behind one slow batch.
MANIFEST_CHUNK_SIZE = 4
# Without --jobs, a process per this many pages, up to one per core: starting
# a worker (Python, lxml, trafilatura) costs about as much as extracting 20 pages.
PAGES_PER_DEFAULT_JOB = 20


@click.command("extract")
@click.argument("file", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--url", help="Address the page was fetched from; resolves its relative links.")
@click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False, allow_dash=True),
    help='JSON Lines file listing pages, one {"path": ..., "url": ...} a line.',
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Pages extracted in parallel with --manifest (default: one process per CPU core for a long manifest); "
    "the output keeps the manifest's order.",
)
@click.option(
    "--fast", is_flag=True, help="Skip trafilatura's comparison with readability and jusText: faster, a little less accurate."
)
def extract_command(file, url, manifest, jobs, fast):
    """Print the story in a saved page as JSON: url, title, author, published, language, image, text, html.

    FILE is a saved HTML page, or - to read it from standard input.

    With --manifest, extract every page the manifest lists (a path relative to
    the manifest's folder, or absolute) and print one JSON object a line, in the
    manifest's order. A page that fails gets a line with its path, its url and
    an "error" field, and the run goes on.
    """
    if (file is None) == (manifest is None):
        raise click.UsageError("Give either FILE or --manifest.")
    if manifest is not None:
        _extract_manifest(manifest, jobs, fast)
        return
    data = _read(file)
    try:
        extraction = extract(data, url=url, fast=fast)
    except Exception as error:  # any failure is reported as a message, not a traceback
        raise click.ClickException(f"{file}: {error}") from error
    _write(extraction.as_dict())


def _extract_manifest(manifest: str, jobs: int, fast: bool = False) -> None:
    """Extract the manifest's pages, printing a line per page in the manifest's order."""
    entries = list(_read_manifest(manifest))
    if jobs is None:
        jobs = min(os.cpu_count() or 1, max(1, len(entries) // PAGES_PER_DEFAULT_JOB))
    extract_entry = partial(_extract_entry, fast=fast)
    if jobs > 1 and len(entries) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for record in pool.map(extract_entry, entries, chunksize=MANIFEST_CHUNK_SIZE):
                _write(record)
    else:
        for entry in entries:
            _write(extract_entry(entry))


def _read_manifest(manifest: str):
    """Yield (path, location, url, error) for each non-blank line: the path as written, and where it points."""
    if manifest == "-":
        folder = Path.cwd()
    else:
        folder = Path(manifest).resolve().parent
    with click.open_file(manifest, encoding="utf-8") as stream:
        lines = stream.read().splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            path = entry["path"]
            url = entry.get("url")
        except (ValueError, TypeError, KeyError, AttributeError):
            yield None, None, None, f"manifest line {number} is not a JSON object with a path"
            continue
        yield path, folder / path, url, None


def _extract_entry(entry, fast: bool = False) -> dict:
    """The extraction record of one manifest entry, or a record with its error."""
    path, location, url, error = entry
    if error is None:
        try:
            return {"path": path, **extract(_read(location), url=url, fast=fast).as_dict()}
        except Exception as failure:  # noqa: BLE001 - one bad page must not stop the run
            error = str(failure) or type(failure).__name__
    return {"path": path, "url": url, "error": error}


def _read(path: str | Path) -> bytes:
    """A saved page's bytes ("-" for standard input); decoding is extraction's job, pages declare their charset."""
    with click.open_file(str(path), "rb") as stream:
        return stream.read()


def _write(record: dict) -> None:
    """Print a record as one line of UTF-8 JSON."""
    with click.open_file("-", "wb") as stdout:
        stdout.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        stdout.flush()
