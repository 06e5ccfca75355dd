"""Copying the database out of a running site and back in, by engine.

SQLite uses its online backup API, which copies a consistent snapshot
while the web and worker processes keep reading and writing, and writes
one back the same way. PostgreSQL uses pg_dump and pg_restore in their
custom format, a consistent snapshot too, compressed and restorable by
pg_restore of the same or a newer version.
"""

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections

SQLITE = "sqlite"
POSTGRESQL = "postgresql"

ENGINES = {
    "django.db.backends.sqlite3": SQLITE,
    "django.db.backends.postgresql": POSTGRESQL,
}
# The file the database takes in the archive, by engine.
DUMP_NAMES = {SQLITE: "database.sqlite3", POSTGRESQL: "database.pgdump"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def engine(alias="default"):
    name = connections[alias].settings_dict["ENGINE"]
    if name not in ENGINES:
        raise BackupError(f"Backups know SQLite and PostgreSQL; this site's database engine is {name}.")
    return ENGINES[name]


def dump(destination, alias="default"):
    """Write the database to the file `destination`; return the engine's name."""
    kind = engine(alias)
    settings = connections[alias].settings_dict
    if kind == SQLITE:
        # A connection of its own, outside any transaction of the caller's:
        # the backup API copies a consistent snapshot while others write.
        source = sqlite3.connect(settings["NAME"], timeout=30)
        target = sqlite3.connect(destination)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        run_postgres("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--file", str(destination)],
                     settings)
    return kind


def load(source, kind, alias="default"):
    """Replace the database's contents with the dump `source` made by `dump`."""
    current = engine(alias)
    if kind != current:
        raise BackupError(
            f"This backup holds a {kind} database and this site runs on {current}: restore it into a "
            f"site on {kind} (DATABASE_URL)."
        )
    settings = connections[alias].settings_dict
    connections[alias].close()
    if kind == SQLITE:
        Path(settings["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        dump_file = sqlite3.connect(source)
        target = sqlite3.connect(settings["NAME"], timeout=30)
        try:
            # The backup API replaces every page of the target, whatever it held.
            dump_file.backup(target)
        finally:
            target.close()
            dump_file.close()
    else:
        clear_postgres(alias)
        run_postgres("pg_restore", ["--no-owner", "--no-privileges", "--single-transaction",
                                    "--exit-on-error", str(source)], settings, database_flag="--dbname")


def clear_postgres(alias):
    """Empty the schema the site uses, so the restored database is the backup's and nothing else."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema]
        )
        tables = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = %s", [schema])
        sequences = [row[0] for row in cursor.fetchall()]
        quote = connections[alias].ops.quote_name
        if tables:
            cursor.execute("DROP TABLE IF EXISTS " + ", ".join(quote(t) for t in tables) + " CASCADE")
        if sequences:
            cursor.execute("DROP SEQUENCE IF EXISTS " + ", ".join(quote(s) for s in sequences) + " CASCADE")
    connections[alias].close()


def postgres_program(name):
    """The path of pg_dump or pg_restore: on PATH, else the newest in Debian's /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_major_version)
    if candidates:
        return candidates[-1]
    raise BackupError(
        f"{name} was not found: install PostgreSQL's client programs (Debian: apt install postgresql-client) "
        f"in a version at least the server's."
    )


def _major_version(path):
    try:
        return int(Path(path).parts[-3])
    except ValueError:
        return 0


def run_postgres(program, arguments, settings, database_flag="--dbname"):
    """Run a PostgreSQL client program against the site's database; the password goes in the environment."""
    command = [postgres_program(program)]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command += [flag, str(settings[key])]
    command += [database_flag, settings["NAME"], *arguments]
    environment = dict(os.environ)
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = settings["PASSWORD"]
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if settings.get("OPTIONS", {}).get(option):
            environment[variable] = settings["OPTIONS"][option]
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip() or result.returncode}")
