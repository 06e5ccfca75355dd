"""Hostile responses at the HTTP level: bombs, stacked encodings, endless and dripping bodies."""

import re

import pytest

from tests.hostile.expectations import (
    assert_bounded,
    assert_case_commands_bounded,
    assert_failing,
    assert_fetch_deadline,
    assert_good_outlet_polled,
    assert_stayed_on_loopback,
    case_run,
)
from tests.hostile.processes import FETCH_TIMEOUT

TOO_LARGE = r"larger than|too large"
# A stacked encoding may be decoded within the size limit, or refused outright.
TOO_LARGE_OR_REFUSED_ENCODING = r"larger than|too large|encoding"

OVERSIZED = {
    "brotli-bomb": TOO_LARGE,
    "gzip-bomb": TOO_LARGE,
    "gzip-gzip": TOO_LARGE_OR_REFUSED_ENCODING,
    "br-gzip": TOO_LARGE_OR_REFUSED_ENCODING,
    "gigabyte-declared": TOO_LARGE,
    "gigabyte-undeclared": TOO_LARGE,
}


@pytest.mark.parametrize("name", OVERSIZED)
def test_an_oversized_response_fails_the_source_within_memory(hostile_runs, name):
    """A bomb or a gigabyte body fails its source as too large; the poll stays under 300 MB; others poll on."""
    case = case_run(hostile_runs, name)
    assert_case_commands_bounded(case)
    assert_failing(case, OVERSIZED[name])
    assert_good_outlet_polled(case)


BOMBS = ["brotli-bomb", "gzip-bomb", "gzip-gzip", "br-gzip"]


@pytest.mark.parametrize("name", BOMBS)
def test_adding_a_bomb_is_refused_within_memory(hostile_runs, name):
    """`sources add` of a compression bomb says why it cannot add it, and stays under 300 MB."""
    add = case_run(hostile_runs, name).hostile_add
    assert_bounded(add)
    assert add.returncode != 0, f"The hostile URL was added.\n{add.describe()}"
    assert re.search(OVERSIZED[name], add.output, re.IGNORECASE), add.describe()


@pytest.mark.parametrize("name", ["slow-headers", "slow-body"])
def test_a_dripping_server_is_cut_off_at_the_deadline(hostile_runs, name):
    """Headers or a body sent a byte a second fail the source as timed out, within one deadline plus a margin."""
    case = case_run(hostile_runs, name)
    assert_case_commands_bounded(case)
    assert_failing(case, r"timed out|timeout|deadline")
    assert_fetch_deadline(case)
    assert_good_outlet_polled(case)


def test_adding_a_dripping_url_gives_up_at_the_deadline(hostile_runs):
    """`sources add` of a URL whose headers drip in gives up after the fetch deadline."""
    add = case_run(hostile_runs, "slow-headers").hostile_add
    # Start-up of the command included: a bound, not a speed.
    assert_bounded(add, seconds=FETCH_TIMEOUT + 40)
    assert add.returncode != 0, add.describe()
    assert re.search(r"timed out|timeout|deadline", add.output, re.IGNORECASE), add.describe()
    assert_stayed_on_loopback(add)


def test_endless_headers_fail_the_source_within_memory(hostile_runs):
    """A response whose header lines never end fails the source, within the deadline and under 300 MB."""
    case = case_run(hostile_runs, "endless-headers")
    assert_case_commands_bounded(case)
    assert_failing(case, r"header|protocol|too large|too long|larger than|malformed|invalid|timed out")
    assert_fetch_deadline(case)
    assert_good_outlet_polled(case)
