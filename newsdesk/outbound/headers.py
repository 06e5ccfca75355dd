"""Reading response headers: the content type, Retry-After and the Cache-Control max-age.

Durations a server states are clamped before they become ``timedelta``s: a
server may send any number of digits, and ``timedelta`` overflows past
about 2.7 million years.
"""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime, timedelta

# Longest wait a 429/503 Retry-After can impose. A week is longer than any
# real maintenance window; past it, a source should be looked at by an
# editor rather than silently parked for years.
MAX_RETRY_AFTER = timedelta(days=7)
# Longest Cache-Control max-age taken as a hint for the next poll. Feeds
# often carry a cache lifetime of a year meant for static files; a feed
# still gets polled at least daily.
MAX_MAX_AGE = timedelta(days=1)


def split_content_type(value: str | None) -> tuple[str | None, str | None]:
    """A Content-Type header's media type (lower case) and charset, either None when absent."""
    if not value:
        return None, None
    media_type, *params = value.split(";")
    charset = None
    for param in params:
        name, _, param_value = param.partition("=")
        if name.strip().lower() == "charset" and param_value.strip():
            charset = param_value.strip().strip("\"'")
    return media_type.strip().lower() or None, charset


def retry_after(value: str | None) -> timedelta | None:
    """Retry-After as a duration (delay-seconds or an HTTP-date, RFC 9110 §10.2.3), at most ``MAX_RETRY_AFTER``."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return _seconds_at_most(value, MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max(when - datetime.now(UTC), timedelta(0)), MAX_RETRY_AFTER)


def max_age(cache_control: str | None) -> timedelta | None:
    """Cache-Control's max-age, at most ``MAX_MAX_AGE``; None when there is none."""
    for directive in (cache_control or "").split(","):
        name, _, value = directive.strip().partition("=")
        value = value.strip().strip('"')
        if name.strip().lower() == "max-age" and value.isascii() and value.isdigit():
            return _seconds_at_most(value, MAX_MAX_AGE)
    return None


def _seconds_at_most(digits: str, longest: timedelta) -> timedelta:
    # Compared as text length first: int() of a million digits is slow.
    if len(digits) > 12:
        return longest
    return min(timedelta(seconds=int(digits)), longest)
