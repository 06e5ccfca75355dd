"""`newsdesk stories compare`: how alike pairs of stories are, from the command line."""

import json

import click

from newsdesk.csvcolumns import read_columns, split_names

# Pairs prepared together: sentence vectors are computed a batch at a time,
# and the first lines come out while a long file is still being scored.
BATCH = 64


@click.group()
def stories():
    """Stories across outlets: copies and reports of the same event."""


@stories.command("compare")
@click.option("--csv", "csv_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="A CSV file with one pair of stories a row.")
@click.option("--text-columns", required=True,
              help="The two columns holding the two stories' texts: names, or numbers from 1.")
@click.option("--id-column", help="Column holding the pair's id (default: the row number, from 1).")
@click.option("--header/--no-header", default=None, help="Whether the CSV's first row names its columns.")
def compare(csv_path, text_columns, id_column, header):
    """Print one JSON object per pair, in order: {"id", "similarity", "same_story", "copy"}.

    similarity runs from 0 (unrelated) to 1 (the same story); same_story says
    whether the two report the same event, copy whether one copies the other's
    text (other boilerplate, a new headline, paragraphs cut or reordered).
    """
    from .similarity import compare_texts

    columns = split_names(text_columns, "--text-columns")
    if len(columns) != 2:
        raise click.UsageError("--text-columns takes exactly two columns, one per story of the pair.")
    names = columns + ([id_column.strip()] if id_column else [])
    rows = read_columns(csv_path, names, header)
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        results = compare_texts([(row[0], row[1]) for row in batch])
        for number, (row, result) in enumerate(zip(batch, results), start=start + 1):
            click.echo(json.dumps({
                "id": row[2] if id_column else number,
                "similarity": round(result.similarity, 6),
                "same_story": result.same_story,
                "copy": result.copy,
            }, ensure_ascii=False))
