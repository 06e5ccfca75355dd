"""Extraction quality: newsdesk's extraction against trafilatura's settings on trafilatura's evaluation set.

Run from the repository root:

    .venv/bin/python benchmarks/extraction_quality.py [--jobs 2] [--limit N] [--part held-out]

It prints one Markdown table per part of the set (precision, recall, F1, pages
per second of CPU and of wall-clock time, F1 against trafilatura's defaults).

The 990 pages are split once and for all by a hash of each page's file name:
a fifth is the held-out part, never looked at while tuning the rules; the rest
is the tuning part. The CI floor is on the held-out part. The data set is read from
../shared/data/extraction beside the repository and never copied into it:
evaldata.json maps each page's URL to its file and to snippets that must
("with") and must not ("without") appear in the extracted text.

Scoring follows trafilatura's own evaluation: a "with" snippet found is a true
positive and a missing one a false negative; a "without" snippet found is a
false positive. Snippets and text are compared with whitespace collapsed.
tests/wire/test_extraction_quality.py uses the same scoring as the CI floor.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tarfile
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "extraction"

if str(REPO_ROOT) not in sys.path:  # run as a script: make `newsdesk` importable
    sys.path.insert(0, str(REPO_ROOT))


@dataclass
class Score:
    """Snippet counts over the evaluation set, with the scores derived from them."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    true_negatives: int = 0
    seconds: float = 0.0  # CPU time spent extracting
    pages: int = 0
    wall_seconds: float = 0.0  # elapsed time of the whole part, all worker processes together

    def add(self, case: dict, text: str | None, seconds: float) -> None:
        """Count one page's snippets against its extracted text (None when extraction failed)."""
        found = _collapse(text) if text else ""
        with_found = sum(_collapse(snippet) in found for snippet in case["with"]) if found else 0
        without_found = sum(_collapse(snippet) in found for snippet in case["without"]) if found else 0
        self.true_positives += with_found
        self.false_negatives += len(case["with"]) - with_found
        self.false_positives += without_found
        self.true_negatives += len(case["without"]) - without_found
        self.seconds += seconds
        self.pages += 1

    @property
    def precision(self) -> float:
        return self.true_positives / ((self.true_positives + self.false_positives) or 1)

    @property
    def recall(self) -> float:
        return self.true_positives / ((self.true_positives + self.false_negatives) or 1)

    @property
    def f1(self) -> float:
        return 2 * self.true_positives / ((2 * self.true_positives + self.false_positives + self.false_negatives) or 1)

    @property
    def pages_per_second(self) -> float:
        return self.pages / (self.seconds or 1e-9)

    @property
    def wall_pages_per_second(self) -> float:
        return self.pages / (self.wall_seconds or 1e-9)


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# The configurations compared. Each takes the page's bytes and returns its text or None.


def trafilatura_defaults(page: bytes) -> str | None:
    import trafilatura

    return trafilatura.extract(page)


def trafilatura_without_comments(page: bytes) -> str | None:
    import trafilatura

    return trafilatura.extract(page, include_comments=False)


def trafilatura_precision(page: bytes) -> str | None:
    import trafilatura

    return trafilatura.extract(page, include_comments=False, favor_precision=True)


def trafilatura_recall(page: bytes) -> str | None:
    import trafilatura

    return trafilatura.extract(page, include_comments=False, favor_recall=True)


def trafilatura_fast(page: bytes) -> str | None:
    import trafilatura

    return trafilatura.extract(page, include_comments=False, fast=True)


def newsdesk_extract(page: bytes) -> str | None:
    from newsdesk.wire.extraction import extract

    return extract(page).text


def newsdesk_extract_fast(page: bytes) -> str | None:
    from newsdesk.wire.extraction import extract

    return extract(page, fast=True).text


def newsdesk_links_on(page: bytes) -> str | None:
    from newsdesk.wire.extraction import extract

    return extract(page, options={"include_links": True}).text


def newsdesk_images_and_formatting(page: bytes) -> str | None:
    from newsdesk.wire.extraction import extract

    return extract(page, options={"include_images": True, "include_formatting": True}).text


def newsdesk_precision(page: bytes) -> str | None:
    from newsdesk.wire.extraction import extract

    return extract(page, options={"favor_precision": True}).text


CONFIGURATIONS = {
    "trafilatura defaults": trafilatura_defaults,
    "trafilatura, comments off": trafilatura_without_comments,
    "trafilatura, comments off, favor_precision": trafilatura_precision,
    "trafilatura, comments off, favor_recall": trafilatura_recall,
    "trafilatura, comments off, fast (no fallbacks)": trafilatura_fast,
    "newsdesk extract": newsdesk_extract,
    "newsdesk extract --fast": newsdesk_extract_fast,
    "newsdesk, links on": newsdesk_links_on,
    "newsdesk, images and formatting on": newsdesk_images_and_formatting,
    "newsdesk, favor_precision": newsdesk_precision,
}

# One page in HELD_OUT_EVERY goes to the held-out part, chosen by its file name's hash.
HELD_OUT_EVERY = 5
PARTS = ("tuning", "held-out")


def part_of(case: dict) -> str:
    """The part a page belongs to: "held-out" for one page in five (by its file name's SHA-256), else "tuning"."""
    digest = hashlib.sha256(case["file"].encode("utf-8")).digest()
    return "held-out" if int.from_bytes(digest[:8], "big") % HELD_OUT_EVERY == 0 else "tuning"


def load_cases(data_dir: Path = DATA_DIR, part: str | None = None) -> list[dict]:
    """The evaluation cases, in evaldata.json's order, each with its url; only one part's when part is given."""
    evaldata = json.loads((data_dir / "evaldata.json").read_text(encoding="utf-8"))
    cases = [{"url": url, **case} for url, case in evaldata.items()]
    return [case for case in cases if part is None or part_of(case) == part]


def unpack_pages(destination: Path, data_dir: Path = DATA_DIR) -> Path:
    """Unpack the saved pages into destination, returning the folder that holds them."""
    with tarfile.open(data_dir / "html.tar.xz") as archive:
        archive.extractall(destination, filter="data")
    return destination / "html"


def _run_case(job: tuple[str, str]) -> tuple[str | None, float]:
    """Extract one page with one configuration: its text (None on failure) and the CPU seconds it took."""
    name, path = job
    page = Path(path).read_bytes()
    started = time.process_time()
    try:
        text = CONFIGURATIONS[name](page)
    except Exception:  # noqa: BLE001 - a crash scores as an empty extraction, as in trafilatura's evaluation
        text = None
    return text, time.process_time() - started


def evaluate(name: str, cases: list[dict], pages: Path, jobs: int = 2) -> Score:
    """Score one configuration on the cases, extracting with a pool of jobs processes."""
    score = Score()
    work = [(name, str(pages / case["file"])) for case in cases]
    started = time.perf_counter()
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_run_case, work, chunksize=8))
    else:
        results = [_run_case(job) for job in work]
    score.wall_seconds = time.perf_counter() - started
    for case, (text, seconds) in zip(cases, results):
        score.add(case, text, seconds)
    return score


def markdown_table(scores: dict[str, Score]) -> str:
    """The scores as a Markdown table, with F1 relative to trafilatura's defaults."""
    baseline = scores.get("trafilatura defaults")
    rows = [
        "| configuration | precision | recall | F1 | pages/s (CPU, one core) | pages/s (wall) | F1 vs defaults |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, score in scores.items():
        ratio = f"{score.f1 / baseline.f1:.3f}" if baseline and baseline.f1 else "–"
        rows.append(
            f"| {name} | {score.precision:.4f} | {score.recall:.4f} | {score.f1:.4f} "
            f"| {score.pages_per_second:.1f} | {score.wall_pages_per_second:.1f} | {ratio} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--limit", type=int, help="only the first N pages of each part, for a quick look")
    parser.add_argument("--only", action="append", choices=list(CONFIGURATIONS), help="run only these configurations")
    parser.add_argument("--part", action="append", choices=PARTS, help="score only this part (default: both)")
    args = parser.parse_args(argv)
    if not (DATA_DIR / "evaldata.json").is_file():
        print(f"evaluation set not found at {DATA_DIR}", file=sys.stderr)
        return 1
    names = args.only or list(CONFIGURATIONS)
    with tempfile.TemporaryDirectory(prefix="newsdesk-extraction-") as scratch:
        pages = unpack_pages(Path(scratch))
        for part in args.part or PARTS:
            cases = load_cases(part=part)[: args.limit]
            scores = {}
            for name in names:
                scores[name] = evaluate(name, cases, pages, jobs=args.jobs)
                print(f"{part}, {name}: F1 {scores[name].f1:.4f}", file=sys.stderr)
            snippets = sum(len(c["with"]) + len(c["without"]) for c in cases)
            print(f"\n{part} part: {len(cases)} pages of trafilatura's evaluation set, {snippets} snippets\n")
            print(markdown_table(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
