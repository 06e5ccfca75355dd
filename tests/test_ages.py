from datetime import datetime, timedelta, timezone

import pytest

from newsdesk.stories.ages import age_in_words

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("age", "words"),
    [
        (timedelta(seconds=0), "just now"),
        (timedelta(seconds=59), "just now"),
        (timedelta(seconds=60), "1 minute ago"),
        (timedelta(seconds=119), "1 minute ago"),
        (timedelta(minutes=2), "2 minutes ago"),
        (timedelta(minutes=59, seconds=59), "59 minutes ago"),
        (timedelta(minutes=60), "1 hour ago"),
        (timedelta(hours=7, minutes=30), "7 hours ago"),
        (timedelta(hours=16), "16 hours ago"),
        (timedelta(hours=23, minutes=59), "23 hours ago"),
        (timedelta(hours=24), "1 day ago"),
        (timedelta(hours=47), "1 day ago"),
        (timedelta(days=2), "2 days ago"),
        (timedelta(days=6, hours=23), "6 days ago"),
    ],
)
def test_age_in_words(age, words):
    """Ages read in the largest whole unit, singular for one."""
    assert age_in_words(NOW - age, now=NOW) == words


def test_a_week_or_more_reads_as_a_date():
    """Past a week a count of days stops helping: the date is shown."""
    assert age_in_words(NOW - timedelta(days=7), now=NOW) == "20 November 2026"
    assert age_in_words(datetime(2025, 3, 4, 9, 0, tzinfo=timezone.utc), now=NOW) == "4 March 2025"


@pytest.mark.parametrize("skew", [timedelta(seconds=1), timedelta(seconds=45), timedelta(minutes=3)])
def test_a_time_slightly_in_the_future_reads_just_now(skew):
    """Clock skew between servers never gives a negative age."""
    assert age_in_words(NOW + skew, now=NOW) == "just now"
