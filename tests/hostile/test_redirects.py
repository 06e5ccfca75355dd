"""Hostile addresses and redirects: private addresses, loops, the metadata address, credentials to another origin."""

import re

import pytest

from tests.hostile.expectations import (
    assert_bounded,
    assert_case_commands_bounded,
    assert_stayed_on_loopback,
    assert_failing,
    assert_good_outlet_polled,
    case_run,
    row,
)
from tests.hostile.scenarios import PRIVATE_URLS, SECRET


@pytest.mark.parametrize("label", PRIVATE_URLS)
def test_adding_a_source_at_a_private_address_is_refused_before_connecting(hostile_runs, label):
    """`sources add` of the metadata or a private address, however written, is refused and never connected to."""
    add = hostile_runs.private_adds[label]
    if isinstance(add, Exception):
        pytest.fail(f"Could not run: {add!r}")
    assert_bounded(add)
    assert add.returncode != 0, f"The address was added.\n{add.describe()}"
    assert re.search(r"refused|not allowed|private|link-local|blocked", add.output, re.IGNORECASE), add.describe()
    assert_stayed_on_loopback(add)


def test_a_redirect_loop_fails_the_source(hostile_runs):
    """Two URLs redirecting to each other fail the source with "redirect loop"."""
    case = case_run(hostile_runs, "redirect-loop")
    assert_case_commands_bounded(case)
    assert_failing(case, r"redirect loop|redirects")
    assert_good_outlet_polled(case)


def test_a_redirect_to_a_file_url_is_refused(hostile_runs):
    """A redirect to file:///etc/passwd fails the source as not http(s), and the file is never opened."""
    case = case_run(hostile_runs, "redirect-file")
    assert_case_commands_bounded(case)
    assert_failing(case, r"file:|scheme|http\(s\)")
    opened = [line for run in case.runs() for line in run.network if line.startswith("open ")]
    assert not opened, f"Local files opened: {opened}"
    assert_good_outlet_polled(case)


def test_a_redirect_to_the_metadata_address_is_refused_before_connecting(hostile_runs):
    """A redirect to 169.254.169.254 fails the source naming the address, and no connection is tried."""
    case = case_run(hostile_runs, "redirect-metadata")
    assert_case_commands_bounded(case)  # includes: no connection attempt outside loopback
    assert_failing(case, r"169\.254\.169\.254")
    assert_good_outlet_polled(case)


def test_a_cross_origin_redirect_does_not_carry_the_sources_credentials(hostile_runs, hostile_server):
    """The source's own headers (Authorization, Cookie, an API key) reach its origin and never the redirect's target."""
    case = case_run(hostile_runs, "redirect-credentials")
    assert_case_commands_bounded(case)
    assert case.prepare.returncode == 0, case.prepare.describe()
    assert row(case)["result"] == "ok", case.ingest.describe()
    sent_to_source = [request for request in hostile_server.requests_to("/case/redirect-credentials")
                      if request.headers.get("Authorization")]
    assert sent_to_source, "The source's Authorization header never reached its own origin."
    assert SECRET in sent_to_source[-1].headers["Authorization"]
    reached_other = hostile_server.other.requests_to("/good/feed.xml")
    assert reached_other, "The redirect was not followed."
    leaked = [
        (request.path, name)
        for request in hostile_server.other.requests
        for name, value in request.headers.items()
        if SECRET in value
    ]
    assert not leaked, f"Credentials reached the other origin: {leaked}"
    assert_good_outlet_polled(case)
