"""Whether this process can serve: each service the site needs, probed with a deadline.

A readiness probe that hangs is worse than one that fails: the load balancer
waits, then gives up on a process that may be fine. Every check runs in a
thread of its own and the probe answers after READINESS_DEADLINE whatever
the checks are doing; a check still running then counts as failing.
"""

import logging
import secrets
from concurrent.futures import ThreadPoolExecutor, wait

from django.core.cache import cache
from django.db import connection, connections

logger = logging.getLogger(__name__)

# Load balancers' probes time out after a few seconds (Kubernetes: 1 s by
# default, often raised); 2.5 s leaves room for the answer to travel.
READINESS_DEADLINE = 2.5


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        # The check's thread ends here: its connection would otherwise stay
        # open until CONN_MAX_AGE, one more for every probe.
        connections.close_all()


def check_cache():
    """A value written to the cache reads back: Redis (or the local cache) answers."""
    # A key of its own: processes (and sites) sharing one Redis probe at the same time.
    token = secrets.token_hex(8)
    key = f"newsdesk:readyz:{token}"
    cache.set(key, token, 30)
    try:
        if cache.get(key) != token:
            raise RuntimeError("the cache did not keep a value just written")
    finally:
        cache.delete(key)


def check_queue():
    """The task queue's backend answers: its table for the database queue, Redis for RQ."""
    from django_tasks import task_backends

    backend = task_backends["default"]
    probe = QUEUE_PROBES.get(f"{type(backend).__module__}.{type(backend).__name__}")
    if probe is not None:
        probe(backend)


def probe_database_queue(backend):
    from django_tasks_db.models import DBTaskResult

    try:
        DBTaskResult.objects.exists()
    finally:
        connections.close_all()


def probe_rq_queue(backend):
    import django_rq

    for name in sorted(backend.queues):
        django_rq.get_connection(name).ping()


# Backends not listed (the immediate and dummy backends of tests) need nothing.
QUEUE_PROBES = {
    "django_tasks_db.backend.DatabaseBackend": probe_database_queue,
    "django_tasks_rq.backend.RQBackend": probe_rq_queue,
}

CHECKS = {"database": check_database, "cache": check_cache, "queue": check_queue}


def readiness(checks=None, deadline=READINESS_DEADLINE):
    """{part: None when it answered, else the reason it did not}."""
    checks = checks or CHECKS
    # Not a `with` block: leaving it would wait for a check that hangs.
    pool = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="readyz")
    futures = {name: pool.submit(check) for name, check in checks.items()}
    wait(futures.values(), timeout=deadline)
    pool.shutdown(wait=False, cancel_futures=True)
    results = {}
    for name, future in futures.items():
        if not future.done():
            results[name] = f"no answer within {deadline} s"
            continue
        error = future.exception()
        if error is not None:
            logger.warning("Readiness: %s is not reachable: %s", name, error)
            results[name] = f"{type(error).__name__}: {error}"[:300]
        else:
            results[name] = None
    return results
