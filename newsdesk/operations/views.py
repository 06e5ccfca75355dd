"""/healthz, /readyz and /metrics.

OperationsMiddleware answers them before anything else runs (no host check,
no session, no HTTPS redirect, no page cache): probes come from load
balancers and orchestrators that call the process by its address over
plain HTTP, and must get the process's own answer.
"""

from django.http import HttpResponse, JsonResponse

from . import access
from .readiness import readiness
from .switch import metrics_enabled


def answer(response, request):
    response["Cache-Control"] = "no-store"
    if request.method == "HEAD":
        response.content = b""
    return response


def healthz(request):
    """Alive: this process answers. Nothing else is asked, so a database outage never gets
    live processes restarted for it (that is /readyz's job: take them out of rotation)."""
    return answer(HttpResponse("ok\n", content_type="text/plain; charset=utf-8"), request)


def readyz(request):
    """Ready: the database, the cache and the task queue answer; 503 naming the ones that do not.

    The body names the failing part and the kind of error only; the full
    reason (host names, ports) goes to the log, not to whoever can reach
    the probe.
    """
    results = readiness()
    failing = [name for name, reason in results.items() if reason is not None]
    body = {
        "ready": not failing,
        "failing": failing,
        "checks": {
            name: "ok" if reason is None else "failing: " + reason.split(":", 1)[0]
            for name, reason in results.items()
        },
    }
    return answer(JsonResponse(body, status=503 if failing else 200), request)


def metrics_view(request):
    """Prometheus metrics, when on and for those allowed to read them; 404 when off."""
    if not metrics_enabled():
        return answer(HttpResponse("Not found\n", status=404, content_type="text/plain; charset=utf-8"), request)
    refused = access.refusal(request)
    if refused is not None:
        return answer(refused, request)
    from . import metrics

    return answer(HttpResponse(metrics.exposition(), content_type=metrics.CONTENT_TYPE), request)
