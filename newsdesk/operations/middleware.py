"""Answers the operational paths first, and counts every other response when metrics are on."""

from .switch import metrics_enabled
from .views import healthz, metrics_view, readyz

ROUTES = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics_view}
SAFE_METHODS = ("GET", "HEAD")


class OperationsMiddleware:
    """First in MIDDLEWARE: before the page cache, the host check and the HTTPS redirect.

    A probe over plain HTTP to 10.0.0.7:8000 must not be redirected to
    HTTPS, refused for its Host header or answered from the page cache, and
    `/healthz` must not be redirected to `/healthz/` (APPEND_SLASH).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        # Decided once per process: with metrics off, a request costs one dict lookup here.
        self.counting = metrics_enabled()
        if self.counting:
            from .metrics import count_response

            self.count_response = count_response

    def __call__(self, request):
        view = ROUTES.get(request.path_info)
        if view is not None and request.method in SAFE_METHODS:
            return view(request)
        response = self.get_response(request)
        if self.counting:
            self.count_response(response)
        return response
