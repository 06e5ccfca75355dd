"""Limits on one poll: 100,000 items on 100,000 hosts, and article links that lead to bombs."""

import re

from tests.hostile.documents import lead
from tests.hostile.expectations import (
    UNFORESEEN,
    assert_case_commands_bounded,
    assert_fetch_deadline,
    assert_good_outlet_polled,
    case_run,
    row,
)
from tests.hostile.server import many_hosts_feed

# As set for the run (scenarios.TRANSPORT_CASES): items read per poll, and
# hosts other than the source's own whose article pages one poll may fetch.
MAX_ITEMS = 200
MAX_NEW_HOSTS = 20


def test_a_feed_of_100000_items_on_100000_hosts_is_read_within_limits(hostile_runs):
    """One poll stores at most the item limit and looks up at most the host limit, under 300 MB."""
    # Under the fetch limit of 5,000,000 bytes: the item and host limits are what is tested.
    assert len(many_hosts_feed()) < 5_000_000
    case = case_run(hostile_runs, "many-hosts")
    assert_case_commands_bounded(case)
    result = row(case)["result"]
    assert not UNFORESEEN.search(result), result
    stored = case.database.item_count(case.url)
    assert stored <= MAX_ITEMS, f"One poll stored {stored} items."
    hosts = {line.split()[1] for line in case.ingest.network
             if re.fullmatch(r"lookup h\d+\.example", line)}
    assert len(hosts) <= MAX_NEW_HOSTS, f"One poll looked up {len(hosts)} of the feed's hosts."
    assert_good_outlet_polled(case)


def test_article_links_to_bombs_fall_back_to_the_feeds_text(hostile_runs):
    """Items whose pages are bombs, endless, dripping or redirect to the metadata address keep the feed's text."""
    case = case_run(hostile_runs, "bombs-behind-links")
    assert_case_commands_bounded(case)  # includes: no connection outside loopback
    assert row(case)["result"] == "ok", case.ingest.describe()
    items = case.database.items(case.url)
    assert len(items) == 5, [item["title"] for item in items]
    for item in items:
        assert item["from_feed_only"], f"{item['title']!r} did not fall back to the feed's text."
        assert item["extraction_note"], f"{item['title']!r} does not say why."
        assert lead(item["title"].removeprefix("Story linking to ")) in item["text"], item["title"]
    # Only the dripping page waits for its deadline: the others are refused
    # or cut off at the size limit as soon as they show what they are.
    waited = sorted(item["title"] for item in items if "Timed out" in item["extraction_note"])
    assert waited == ["Story linking to slow-headers"], {item["title"]: item["extraction_note"] for item in items}
    # And the poll as a whole is bounded: a page read to its end, or a
    # deadline not kept, would take it past this on any machine (a gigabyte;
    # headers that never end). The margin is for a slow, busy machine's work.
    assert_fetch_deadline(case, slowest_fetches=2, margin=25)
    assert_good_outlet_polled(case)
