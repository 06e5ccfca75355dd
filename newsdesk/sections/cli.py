"""`newsdesk sections train|predict`: the section model from the command line, on the site's archive or a CSV file."""

import json
import sys

import click

from newsdesk.csvcolumns import read_csv

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

