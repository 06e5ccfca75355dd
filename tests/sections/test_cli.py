"""`newsdesk sections train --csv …` and `newsdesk sections predict`, through the command line."""

import csv
import json

import pytest
from click.testing import CliRunner

from newsdesk.cli import main

from tests.sections.test_classifier import STORIES

ROWS = [(label, text) for label, stories in STORIES.items() for text in stories]


def run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=False)


@pytest.fixture
def headerless_csv(tmp_path):
    """Section number, headline, first sentence: like AG News's own files, without a header row."""
    path = tmp_path / "archive.csv"
    numbers = {label: str(n) for n, label in enumerate(STORIES, start=1)}
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        for label, text in ROWS:
            headline, _, rest = text.partition(" ")
            writer.writerow([numbers[label], headline, rest])
    return path


def test_train_on_a_headerless_csv_then_predict_one_json_object_per_row(headerless_csv, tmp_path):
    """Columns are numbered from 1; text columns are joined; predictions come out in row order."""
    model = tmp_path / "model.bin"

    trained = run("sections", "train", "--csv", headerless_csv, "--text-columns", "2,3", "--label-column", "1",
                  "--model", model, "--method", "linear")
    predicted = run("sections", "predict", "--model", model, "--csv", headerless_csv, "--text-columns", "2,3")

    assert trained.exit_code == 0, trained.output
    assert model.is_file()
    lines = predicted.output.splitlines()
    assert predicted.exit_code == 0 and len(lines) == len(ROWS)
    objects = [json.loads(line) for line in lines]
    assert set(objects[0]) == {"label", "confidence", "top"}
    assert [o["label"] for o in objects] == [str(n) for n, stories in enumerate(STORIES.values(), 1) for _ in stories]
    for o in objects:
        assert o["top"][0] == [o["label"], o["confidence"]] and len(o["top"]) == 3


def test_a_csv_with_a_header_row_is_read_by_column_name(tmp_path):
    """Named columns are looked up in the header row, which is not itself a story."""
    path = tmp_path / "stories.csv"
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["section", "text"])
        writer.writerows(ROWS)
    model = tmp_path / "model.bin"

    run("sections", "train", "--csv", path, "--text-columns", "text", "--label-column", "section",
        "--model", model, "--method", "linear")
    predicted = run("sections", "predict", "--model", model, "--csv", path, "--text-columns", "text", "--top", "1")

    objects = [json.loads(line) for line in predicted.output.splitlines()]
    assert len(objects) == len(ROWS)
    assert {o["label"] for o in objects} == set(STORIES)
    assert all(len(o["top"]) == 1 for o in objects)


def test_train_from_a_csv_needs_its_columns_and_a_model_path(headerless_csv, tmp_path):
    """Missing options and unknown columns are usage errors that name what is wrong."""
    missing = run("sections", "train", "--csv", headerless_csv, "--text-columns", "2")
    unknown = run("sections", "train", "--csv", headerless_csv, "--text-columns", "headline",
                  "--label-column", "1", "--model", tmp_path / "model.bin")

    assert missing.exit_code != 0 and "--label-column" in missing.output and "--model" in missing.output
    assert unknown.exit_code != 0 and "headline" in unknown.output
    assert not (tmp_path / "model.bin").exists()


def test_predict_refuses_a_file_that_is_not_a_model(headerless_csv, tmp_path):
    """A wrong --model path gives a one-line error, not a traceback."""
    bogus = tmp_path / "model.bin"
    bogus.write_text("hello")

    result = run("sections", "predict", "--model", bogus, "--csv", headerless_csv, "--text-columns", "2")

    assert result.exit_code != 0 and "not a section model" in result.output
