"""Why an outbound request failed: ``FetchError`` and its kinds.

A module of its own so that the address guard, the client and the fetcher
can all raise it without importing each other.
"""

from __future__ import annotations

from datetime import timedelta

FAILURE_KINDS = (
    "timeout",
    "network",
    "http_status",
    "too_large",
    "bad_response",  # a body that cannot be decoded (unknown or corrupt content coding)
    "redirect_loop",
    "too_many_redirects",
    "blocked_address",
    "robots",
    "bad_url",
)


class FetchError(Exception):
    """A request that did not give a usable response.

    ``kind`` is one of ``FAILURE_KINDS``; ``status`` the HTTP status when there
    was one; ``retry_after`` what the server asked for (429/503 Retry-After);
    ``url`` the URL being requested when it failed; ``str(error)`` reads well
    to an editor.
    """

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        status: int | None = None,
        retry_after: timedelta | None = None,
        url: str | None = None,
    ):
        if kind not in FAILURE_KINDS:
            raise ValueError(f"Unknown fetch failure kind {kind!r}")
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after
        self.url = url

    def __str__(self) -> str:
        return self.args[0]
