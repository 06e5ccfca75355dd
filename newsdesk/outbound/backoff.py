"""Back-off: how long to leave something that keeps failing alone before trying it again."""

from __future__ import annotations

from datetime import timedelta


def backoff(
    consecutive_failures: int,
    base: timedelta = timedelta(minutes=5),
    cap: timedelta = timedelta(days=1),
    retry_after: timedelta | None = None,
) -> timedelta:
    """How long to wait after ``consecutive_failures`` failures in a row.

    ``base`` after the first failure, doubling with each further one, never
    more than ``cap``, and never less than a ``retry_after`` the server gave
    (a server's explicit request wins over the cap). The default base of five
    minutes retries a passing blip (a deploy, a restart) well within a normal
    15–60 minute polling interval, and reaches the one-day cap after the
    ninth failure (5 min × 2⁸ ≈ 21 h): a dead feed is then tried once a day.
    Webhook deliveries use it with their own base and cap.
    """
    if consecutive_failures <= 0:
        delay = timedelta(0)
    else:
        try:
            # 2⁶⁴ × any base worth having is past any cap worth having.
            delay = min(base * 2 ** min(consecutive_failures - 1, 64), cap)
        except OverflowError:  # past timedelta's range: certainly past the cap
            delay = cap
    if retry_after is not None and retry_after > delay:
        delay = retry_after
    return delay
