"""Helpers the tests share: paths, ports, the newsdesk command, an in-process WSGI client."""

import socket
import sys
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def newsdesk_command(*args):
    return [sys.executable, "-m", "newsdesk", *args]


@contextmanager
def wsgi_client(application):
    """An httpx client for a WSGI application in this process, inside the test's database transaction.

    As Django's test client does, the handler is kept from closing the
    test's connection, whose transaction holds the test's data.
    """
    import httpx
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with httpx.Client(transport=httpx.WSGITransport(app=application), base_url="http://testserver") as client:
            yield client
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
