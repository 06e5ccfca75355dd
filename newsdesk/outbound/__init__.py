"""Outbound: every request newsdesk makes to other servers, bounded and address-checked.

- ``errors.py``: ``FetchError`` and its kinds;
- ``guard.py``: ``AddressGuard``, and the network backend that checks every
  connection where it is made;
- ``deadline.py``: one deadline per request, from name lookup to last byte;
- ``decoding.py``: content decoding in bounded steps;
- ``headers.py``: content type, Retry-After and max-age, clamped;
- ``client.py``: one bounded request, no proxies, redirects left to the caller;
- ``pacing.py``, ``robots.py``: per-host politeness;
- ``shared_pacing.py``: the per-host limits shared by worker processes (lock files, Redis);
- ``fetcher.py``: ``Fetcher``, the wire desk's polite GET, built from all of the above;
- ``backoff.py``: how long to leave something failing alone;
- ``configured.py``: the one Django-aware module, building them from the settings.

Webhook deliveries use ``Client`` directly; the wire desk uses ``Fetcher``.
"""

from .backoff import backoff
from .client import Client
from .errors import FetchError
from .fetcher import Fetcher, FetchResult
from .guard import AddressGuard

__all__ = ["AddressGuard", "Client", "FetchError", "FetchResult", "Fetcher", "backoff"]
