"""Say how long ago a story was published, in words: “7 hours ago”.

static/stories/js/ages.js applies the same rules in the browser, so a page
served from a cache keeps its ages current; keep the two in step.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.dateformat import format as format_date

# Past this age a reader wants the date, not a count of days.
DATE_AFTER = timedelta(days=7)


def _plural(count, unit):
    return f"{count} {unit}{'' if count == 1 else 's'} ago"


def age_in_words(when, now=None):
    """“just now”, “5 minutes ago”, “1 hour ago”, “2 days ago”, then the date.

    A time slightly in the future (clocks between servers drift) reads
    “just now” rather than a negative age.
    """
    now = now or timezone.now()
    seconds = (now - when).total_seconds()
    if seconds < 60:
        return "just now"
    minutes = int(seconds // 60)
    if minutes < 60:
        return _plural(minutes, "minute")
    hours = minutes // 60
    if hours < 24:
        return _plural(hours, "hour")
    if now - when < DATE_AFTER:
        return _plural(hours // 24, "day")
    return format_date(timezone.localtime(when), "j F Y")
