"""The CI quality floor: extraction precision, recall and F1 on the held-out part of trafilatura's evaluation set never drop.

The held-out part (one page in five, by a hash of its file name) is never
looked at while tuning the rules, so the floor measures extraction on pages
it was not fitted to.
"""

import json
from pathlib import Path

import pytest

from benchmarks.extraction_quality import DATA_DIR, evaluate, load_cases, unpack_pages

FLOOR_FILE = Path(__file__).parent / "extraction_floor.json"

pytestmark = pytest.mark.skipif(
    not (DATA_DIR / "evaldata.json").is_file() or not (DATA_DIR / "html.tar.xz").is_file(),
    reason=f"trafilatura's evaluation set is not at {DATA_DIR} (it lives in ../shared, beside the repository)",
)


@pytest.fixture(scope="module")
def score(tmp_path_factory):
    """newsdesk's extraction scored on the held-out part of the evaluation set, with two worker processes."""
    pages = unpack_pages(tmp_path_factory.mktemp("extraction-eval"))
    return evaluate("newsdesk extract", load_cases(part="held-out"), pages, jobs=2)


@pytest.mark.parametrize("metric", ["precision", "recall", "f1"])
def test_extraction_stays_above_the_recorded_floor(score, metric):
    """Precision, recall and F1 stay at or above the floors in extraction_floor.json."""
    floor = json.loads(FLOOR_FILE.read_text(encoding="utf-8"))[metric]

    measured = getattr(score, metric)

    assert measured >= floor, f"extraction {metric} fell to {measured:.4f}, below the floor of {floor}"
