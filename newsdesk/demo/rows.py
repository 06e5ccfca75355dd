"""Many rows into one model's table in a single executemany, for the bulk archive."""

from django.db import connection
from django.db.models.fields import AutoFieldMixin


def insert_rows(model, rows):
    """INSERT rows into the model's own table (not its parents'), each a dict of attname: value.

    Fields a row leaves out take their default. Values go through each
    field's get_db_prep_save, as Model.save would send them.
    """
    # An auto-incremented primary key is left to the database.
    fields = [f for f in model._meta.local_concrete_fields if not isinstance(f, AutoFieldMixin)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    params = [
        [f.get_db_prep_save(row[f.attname] if f.attname in row else f.get_default(), connection) for f in fields]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})", params)
