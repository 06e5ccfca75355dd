"""What every hostile case must show, written once: bounded commands, a clear failure, a good outlet polled."""

import re

import pytest

from tests.hostile.processes import FETCH_TIMEOUT, MEMORY_LIMIT_MB, ingest_table
from tests.hostile.scenarios import GOOD_ITEMS, GOOD_NAME, source_name

# A failure the product did not foresee: the reason an editor would see is a
# Python exception, not an explanation.
UNFORESEEN = re.compile(r"Internal error|Traceback|object has no attribute|unexpected keyword|NoneType")


def case_run(hostile_runs, name):
    run = hostile_runs.cases[name]
    if isinstance(run, Exception):
        pytest.fail(f"The {name} case could not be run: {run!r}")
    return run


def assert_bounded(run, seconds=None):
    """The command finished by itself, within `seconds` if given, and peaked under the memory limit."""
    assert not run.timed_out, f"Still running when its time was up.\n{run.describe()}"
    assert run.peak_mb < MEMORY_LIMIT_MB, f"Peaked at {run.peak_mb:.0f} MB.\n{run.describe()}"
    if seconds is not None:
        assert run.seconds < seconds, f"Took {run.seconds:.1f} s, more than {seconds} s.\n{run.describe()}"
    assert "Traceback (most recent call last)" not in run.output, (
        f"An unforeseen error was logged:\n{first_traceback(run.output)}\n{run.describe()}")


def first_traceback(output):
    """The log line before the first traceback, and the exception it ended with."""
    lines = output.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("Traceback"))
    end = next((index for index in range(start + 1, len(lines)) if lines[index] and not lines[index][0].isspace()),
               len(lines) - 1)
    return "\n".join(lines[max(start - 1, 0):start] + lines[end:end + 1])


def assert_stayed_on_loopback(*runs):
    """No command tried to connect outside loopback (netguard.py refused and logged any attempt)."""
    for run in runs:
        escapes = [line for line in run.network if line.startswith("connect ")]
        assert not escapes, f"Tried to connect outside loopback: {escapes[:5]}\n{run.describe()}"


def assert_case_commands_bounded(case):
    for run in case.runs():
        assert_bounded(run)
    assert case.add.returncode == 0, f"`sources add` of the disguised source failed.\n{case.add.describe()}"
    assert case.ingest.returncode == 0, case.ingest.describe()
    assert_stayed_on_loopback(*case.runs())


def row(case, name=None):
    """The ingest table's row of the case's hostile source (or of the source `name`)."""
    table = ingest_table(case.ingest)
    name = name or source_name(case.case.name)
    assert name in table, f"No row for {name!r} in the ingest table.\n{case.ingest.describe()}"
    return table[name]


def assert_good_outlet_polled(case, database=None):
    """The good outlet polled in the same run stored its items."""
    assert row(case, GOOD_NAME)["result"] == "ok", case.ingest.describe()
    database = database or case.database
    stored = database.item_count(case.good_url)
    assert stored == GOOD_ITEMS, f"The good outlet stored {stored} of its {GOOD_ITEMS} items."


def assert_failing(case, reason_pattern):
    """The hostile source is marked failing, with a reason an editor can act on."""
    source = case.database.source(case.url)
    assert source is not None, "The hostile source is gone from the database."
    reason = source["last_error"]
    assert source["consecutive_failures"] >= 1 and reason, (
        f"The source is not marked failing (failures {source['consecutive_failures']}, error {reason!r}); "
        f"ingest said: {row(case)}"
    )
    assert not UNFORESEEN.search(reason), f"The reason is an unforeseen error: {reason!r}"
    assert re.search(reason_pattern, reason, re.IGNORECASE), f"Reason {reason!r} does not match {reason_pattern!r}"
    return reason


def assert_fetch_deadline(case, slowest_fetches=1, margin=10):
    """The hostile source's poll ended within its fetch deadlines plus a margin of seconds (a bound, not a speed)."""
    seconds = float(row(case)["seconds"])
    limit = FETCH_TIMEOUT * slowest_fetches + margin
    assert seconds < limit, f"Polling the source took {seconds} s, more than {limit} s."
