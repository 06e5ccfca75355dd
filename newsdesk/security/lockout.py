"""Login lock-out (django-axes): the locked-out answer, and the client's address behind a proxy."""

import math

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.conf import settings
from django.shortcuts import render
from django.urls import reverse


def locked_out(request, original_response=None, credentials=None):
    """The page a locked-out login gets instead of the form (AXES_LOCKOUT_CALLABLE).

    Status 429 so that scripts and monitoring see a refusal, not a login page.
    """
    cool_off = get_cool_off(request)
    in_django_admin = request.path.startswith(reverse("admin:index"))
    login_url = reverse("admin:login") if in_django_admin else reverse("wagtailadmin_login")
    context = {
        "username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
        "login_url": login_url,
    }
    return render(request, "security/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def client_ip_behind_proxy(request):
    """The client's address as our TLS proxy saw it (AXES_CLIENT_IP_CALLABLE behind a proxy).

    The proxy appends the address it received the request from to
    X-Forwarded-For, so the right-most entry is the only one it vouches for;
    anything to its left came from the client and may be forged.
    Without the header the request came straight in: REMOTE_ADDR.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    return addresses[-1] if addresses else request.META.get("REMOTE_ADDR")
