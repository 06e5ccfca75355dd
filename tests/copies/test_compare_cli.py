"""`newsdesk stories compare` prints one JSON object per pair, in order, with the pair's id."""

import json

from click.testing import CliRunner

from newsdesk.cli import main

STORY = (
    "Saltmarsh Ferries has ordered three battery-powered ships from the Kestrel yard to replace its diesel fleet on "
    "the routes to Gull Island and Pennick, the company said on Monday. The ships, each carrying up to 400 "
    "passengers and 60 cars, will charge at the quays while they load and should enter service from 2029."
)
COPY = "Follow us for the latest updates. " + STORY + " Share this story: Facebook, Twitter, Email."
OTHER = (
    "The keeper's cottage beside the Black Head lighthouse opens to visitors on Saturday after a two-year "
    "restoration by a volunteer trust, with the keepers' logbooks, lamps and a working foghorn on show for all."
)


def write_pairs(tmp_path, rows, header="pair,first,second"):
    path = tmp_path / "pairs.csv"
    lines = [header] if header else []
    lines += [",".join(f'"{value}"' for value in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*arguments):
    result = CliRunner().invoke(main, ["stories", "compare", *arguments], catch_exceptions=False)
    return result, [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]


def test_compare_prints_each_pair_in_order_with_its_id(tmp_path):
    path = write_pairs(tmp_path, [("copy-1", STORY, COPY), ("distinct-2", STORY, OTHER)])

    result, lines = run("--csv", str(path), "--text-columns", "first,second", "--id-column", "pair")

    assert result.exit_code == 0, result.output
    assert [line["id"] for line in lines] == ["copy-1", "distinct-2"]
    assert list(lines[0]) == ["id", "similarity", "same_story", "copy"]
    assert lines[0]["copy"] is True and lines[0]["same_story"] is True and lines[0]["similarity"] >= 0.9
    assert lines[1]["copy"] is False and lines[1]["same_story"] is False
    assert 0 <= lines[1]["similarity"] < lines[0]["similarity"]


def test_a_file_without_a_header_takes_column_numbers_and_ids_are_row_numbers(tmp_path):
    path = write_pairs(tmp_path, [("x", STORY, COPY)], header=None)

    result, lines = run("--csv", str(path), "--text-columns", "2,3")

    assert result.exit_code == 0, result.output
    assert [line["id"] for line in lines] == [1] and lines[0]["copy"] is True


def test_compare_wants_two_text_columns(tmp_path):
    path = write_pairs(tmp_path, [("x", STORY, COPY)])

    result = CliRunner().invoke(main, ["stories", "compare", "--csv", str(path), "--text-columns", "first"])

    assert result.exit_code == 2 and "exactly two columns" in result.output
