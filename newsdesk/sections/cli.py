"""`newsdesk sections train|predict`: the section model from the command line, on the site's archive or a CSV file."""

import csv
import json
import sys

import click

from .classifier import METHODS, best_method


@click.group()
def sections():
    """The model that files stories under sections: train it, try it."""


@sections.command("train")
@click.option("--csv", "csv_path", type=click.Path(exists=True, dir_okay=False),
              help="Train on this CSV file instead of the site's archive.")
@click.option("--text-columns", help="Columns holding the text, joined with a space: names, or numbers from 1.")
@click.option("--label-column", help="Column holding the section.")
@click.option("--model", "model_path", type=click.Path(dir_okay=False),
              help="Where to write the model trained from --csv.")
@click.option("--method", type=click.Choice(list(METHODS)),
              help="Model to train (default: ensemble with the `sections` extra installed, else linear).")
@click.option("--header/--no-header", default=None,
              help="Whether the CSV's first row names its columns (default: yes, unless the columns are numbers "
                   "that the first row does not name).")
def train(csv_path, text_columns, label_column, model_path, method, header):
    """Train the section model.

    Without --csv, retrains the site's model from its published stories and
    editors' choices, and keeps the model in use if the new one scores worse.
    With --csv, trains on the file and writes the model to --model.
    """
    if csv_path is None:
        options = {"method": method} if method else None
        from newsdesk.cli import setup_django

        setup_django()
        from .training import retrain

        run = retrain(options)
        click.echo(run.note)
        if not run.accepted:
            sys.exit(1)
        return
    missing = [name for name, value in (("--text-columns", text_columns), ("--label-column", label_column),
                                        ("--model", model_path)) if not value]
    if missing:
        raise click.UsageError(f"--csv needs {', '.join(missing)}.")
    from .classifier import SectionClassifier

    options = {"method": method or best_method()}
    texts, labels = read_csv(csv_path, text_columns, label_column, header)
    if not texts:
        raise click.ClickException(f"{csv_path} has no rows.")
    try:
        classifier = SectionClassifier.train(texts, labels, **options)
    except ValueError as error:
        raise click.ClickException(str(error))
    classifier.save(model_path)
    counts = ", ".join(f"{label} {labels.count(label)}" for label in classifier.labels)
    click.echo(f"Trained the {classifier.method} method on {len(texts)} stories ({counts}): {model_path}", err=True)


@sections.command("predict")
@click.option("--model", "model_path", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--csv", "csv_path", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--text-columns", required=True, help="Columns holding the text: names, or numbers from 1.")
@click.option("--top", default=3, show_default=True, help="Suggestions listed per story.")
@click.option("--header/--no-header", default=None, help="Whether the CSV's first row names its columns.")
def predict(model_path, csv_path, text_columns, top, header):
    """Print one JSON object per CSV row, in order: {"label", "confidence", "top": [[label, p], ...]}."""
    from .classifier import ModelFileError, SectionClassifier

    try:
        classifier = SectionClassifier.load(model_path)
    except ModelFileError as error:
        raise click.ClickException(str(error))
    texts, _ = read_csv(csv_path, text_columns, None, header)
    # In slices, so the first lines come out while a long file is still being read.
    for start in range(0, len(texts), 256):
        for prediction in classifier.predict(texts[start:start + 256], top=top):
            click.echo(json.dumps({
                "label": prediction.label,
                "confidence": round(prediction.confidence, 6),
                "top": [[label, round(p, 6)] for label, p in prediction.top],
            }))


def read_csv(path, text_columns, label_column, header=None):
    """(texts, labels) from the CSV at `path`; labels is None without `label_column`."""
    wanted = [name.strip() for name in text_columns.split(",") if name.strip()]
    if not wanted:
        raise click.UsageError("--text-columns names no column.")
    names = wanted + ([label_column.strip()] if label_column else [])
    with open(path, newline="", encoding="utf-8-sig") as file:
        rows = [row for row in csv.reader(file) if row]
    if not rows:
        return [], []
    if header is None:
        # A header row names the columns; numbers it does not name mean a file without one.
        header = not (all(name.isdigit() for name in names) and not set(names) <= set(rows[0]))
    if header:
        first, rows = rows[0], rows[1:]
        position = {name: index for index, name in enumerate(first)}
        positions = []
        for name in names:
            if name in position:
                positions.append(position[name])
            elif name.isdigit():
                positions.append(int(name) - 1)
            else:
                raise click.UsageError(f"No column {name!r} in {path}; it has: {', '.join(first)}.")
    else:
        if not all(name.isdigit() and int(name) >= 1 for name in names):
            raise click.UsageError("A CSV without a header row takes column numbers, counted from 1.")
        positions = [int(name) - 1 for name in names]
    width = max(positions) + 1
    for number, row in enumerate(rows, start=2 if header else 1):
        if len(row) < width:
            raise click.ClickException(f"{path}, row {number}: {len(row)} columns, column {width} wanted.")
    text_positions = positions[:len(wanted)]
    texts = [" ".join(row[i].strip() for i in text_positions) for row in rows]
    labels = [row[positions[-1]].strip() for row in rows] if label_column else None
    return texts, labels
