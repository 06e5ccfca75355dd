"""Who may read /metrics: addresses in NEWSDESK_METRICS_ALLOWED_NETWORKS, with the bearer token when one is set.

Metrics tell an outsider how busy the site is, which sources fail and how
deep the queue runs: they are refused unless both tests pass, and the
defaults (loopback only, no token) let only the machine itself read them.
"""

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpResponse

from newsdesk import conf
from newsdesk.security.lockout import client_ip_behind_proxy


def client_address(request):
    """The reader's address, or None when it cannot be known.

    Behind the TLS proxy the site was told of, the proxy's right-most
    X-Forwarded-For entry. A request that came through some other proxy
    (X-Forwarded-For set, no proxy configured) gets None: its REMOTE_ADDR
    is the proxy's, often loopback, and would let anyone in.
    """
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return client_ip_behind_proxy(request)
    if request.META.get("HTTP_X_FORWARDED_FOR"):
        return None
    return request.META.get("REMOTE_ADDR")


def in_allowed_networks(address):
    try:
        ip = ipaddress.ip_address((address or "").strip("[]"))
    except ValueError:
        return False
    for network in conf.get("NEWSDESK_METRICS_ALLOWED_NETWORKS"):
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue  # a typing mistake in the setting allows nothing
    return False


def has_token(request):
    token = conf.get("NEWSDESK_METRICS_TOKEN")
    if not token:
        return True
    given = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, credentials = given.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(credentials.strip().encode(), token.encode())


def refusal(request):
    """None when the request may read the metrics, else the response that refuses it."""
    if not in_allowed_networks(client_address(request)):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain; charset=utf-8")
    if not has_token(request):
        response = HttpResponse("A bearer token is required.\n", status=401, content_type="text/plain; charset=utf-8")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return None
