"""Periodic work without cron: jobs the worker enqueues on a fixed interval.

Every `newsdesk worker` process runs a scheduler thread that calls
`run_due_jobs` every few seconds. Each job has a row in PeriodicLease; a
worker claims a due job by taking that row's lease (leases.py: one
conditional UPDATE, which only one process can win) until the job is next
due, then enqueues the job's task. The lease lives in the database, so the
schedule survives restarts and any number of workers may run.
"""

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import timedelta

from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

from .leases import Lease

logger = logging.getLogger(__name__)

# How often the scheduler thread looks for due jobs. Small next to the
# shortest interval, so a job starts at most this late.
TICK_SECONDS = 5


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    interval: timedelta
    task: str  # dotted path of a django_tasks task


_jobs = {}


def register(job):
    """Declare a periodic job; apps call this from AppConfig.ready()."""
    _jobs[job.name] = job
    return job


def registered_jobs():
    return list(_jobs.values())


def claim(job, now, holder):
    """True when this process won the right to run `job` now.

    The job's lease runs until it is next due; nobody releases it early.
    """
    from .models import PeriodicLease

    PeriodicLease.objects.get_or_create(name=job.name, defaults={"run_after": now})
    lease = Lease(PeriodicLease, holder_field="holder", until_field="run_after")
    return lease.take(job.name, holder, now, job.interval, last_claimed_at=now)


def run_due_jobs(now=None, holder=None):
    """Enqueue every job that is due and that this process claims; return their names."""
    now = now or timezone.now()
    holder = holder or worker_id()
    started = []
    for job in registered_jobs():
        try:
            if claim(job, now, holder):
                import_string(job.task).enqueue()
                started.append(job.name)
        except Exception:
            # One failing job must not stop the others or the worker.
            logger.exception("Periodic job %s could not be started", job.name)
    return started


def worker_id():
    return f"{socket.gethostname()}:{os.getpid()}"


class Scheduler(threading.Thread):
    """The thread a worker runs beside its task loop."""

    def __init__(self, tick=TICK_SECONDS):
        super().__init__(name="newsdesk-scheduler", daemon=True)
        self.tick = tick
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            close_old_connections()
            run_due_jobs()
            self.stopping.wait(self.tick)
        close_old_connections()

    def stop(self):
        self.stopping.set()
