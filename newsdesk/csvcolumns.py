"""Columns of a CSV file named on the command line: by header name, or by number from 1 in a file without one."""

import csv

import click


def split_names(option_value, option_name):
    names = [name.strip() for name in (option_value or "").split(",") if name.strip()]
    if not names:
        raise click.UsageError(f"{option_name} names no column.")
    return names


def read_columns(path, names, header=None):
    """The values of the columns `names` (names or numbers from 1), one list per data row.

    `header` None guesses: a first row that names the columns is a header;
    numbers it does not name mean a file without one.
    """
    with open(path, newline="", encoding="utf-8-sig") as file:
        rows = [row for row in csv.reader(file) if row]
    if not rows:
        return []
    if header is None:
        header = not (all(name.isdigit() for name in names) and not set(names) <= set(rows[0]))
    if header:
        first, rows = rows[0], rows[1:]
        position = {name: index for index, name in enumerate(first)}
        positions = []
        for name in names:
            if name in position:
                positions.append(position[name])
            elif name.isdigit() and int(name) >= 1:
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
    return [[row[i].strip() for i in positions] for row in rows]


def read_csv(path, text_columns, label_column, header=None):
    """(texts, labels) from the CSV at `path`: the text columns joined with a space; labels None without a column."""
    wanted = split_names(text_columns, "--text-columns")
    names = wanted + ([label_column.strip()] if label_column else [])
    rows = read_columns(path, names, header)
    if not rows:
        return [], []
    texts = [" ".join(row[:len(wanted)]) for row in rows]
    labels = [row[-1] for row in rows] if label_column else None
    return texts, labels
