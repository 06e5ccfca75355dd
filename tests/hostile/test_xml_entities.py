"""XML entity attacks in feeds: billion laughs, one huge entity used many times, an external entity."""

import pytest

from tests.hostile.expectations import (
    UNFORESEEN,
    assert_bounded,
    assert_case_commands_bounded,
    assert_good_outlet_polled,
    assert_stayed_on_loopback,
    case_run,
)

ENTITY_CASES = ["billion-laughs", "big-entity", "external-entity"]
# What an expanded entity would leave in a stored item.
EXPANSIONS = {
    "billion-laughs": "lol" * 1000,
    "big-entity": "A" * 10_000,
    "external-entity": "root:",
}
# No item of these feeds has any business being longer than this.
LONGEST_ITEM_CHARS = 200_000


@pytest.mark.parametrize("name", ENTITY_CASES)
def test_entities_are_refused_or_left_unexpanded(hostile_runs, name):
    """The feed is refused with a clear reason or read without expanding its entities; memory stays bounded."""
    case = case_run(hostile_runs, name)
    assert_case_commands_bounded(case)
    source = case.database.source(case.url)
    if source["consecutive_failures"]:
        assert source["last_error"] and not UNFORESEEN.search(source["last_error"]), source["last_error"]
    for item in case.database.items(case.url):
        stored = " ".join(str(item.get(column) or "") for column in ("title", "summary", "html", "text", "raw"))
        assert EXPANSIONS[name] not in stored, f"An entity was expanded into item {item['title'][:80]!r}."
        assert len(stored) < LONGEST_ITEM_CHARS, f"Item {item['title'][:80]!r} holds {len(stored)} characters."
    assert_good_outlet_polled(case)


def test_an_external_entity_never_opens_the_file(hostile_runs):
    """Neither `sources add` nor the poll opens /etc/passwd for a SYSTEM entity."""
    case = case_run(hostile_runs, "external-entity")
    opened = [line for run in case.runs() for line in run.network if line.startswith("open ")]
    assert not opened, f"Local files opened: {opened}"


def test_adding_a_billion_laughs_feed_stays_bounded(hostile_runs):
    """`sources add` of the billion laughs itself ends by itself under 300 MB, without a traceback."""
    add = case_run(hostile_runs, "billion-laughs").hostile_add
    assert_bounded(add)
    assert_stayed_on_loopback(add)
    assert "lol" * 100 not in add.output and "A" * 1000 not in add.output
