"""Response headers: the Content-Security-Policy chosen by the part of the site."""

from functools import cache

from csp.middleware import CSPMiddleware
from django.urls import reverse

from . import policies


@cache
def _policy_by_prefix():
    # Reversed rather than written out so that moving the admin to another
    # address moves its policy too. Longest prefix first.
    prefixes = {
        reverse("wagtailadmin_home"): policies.admin_policy,
        reverse("admin:index"): policies.admin_policy,
        reverse("demo_outlets:index"): policies.demo_outlet_policy,
    }
    return sorted(prefixes.items(), key=lambda item: -len(item[0]))


def policy_for(path):
    """The directives for a request to `path`: the admin's, the demo outlets', or the readers'."""
    for prefix, policy in _policy_by_prefix():
        if path.startswith(prefix):
            return policy()
    return policies.reader_policy()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy chosen by the request's path.

    A view that sets its own policy with django-csp's decorators keeps it.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None:
            parts.config = policy_for(request.path)
        return parts
