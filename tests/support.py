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

    As Django's test client does, each request runs with close_old_connections
    unhooked, so that the handler never closes the test's connection and its
    transaction (on PostgreSQL a close is real; SQLite's in-memory test
    database ignores it). Unhooked per request, not for the whole block:
    Django's own test client hooks it back after each of its requests.
    """
    import httpx

    with httpx.Client(transport=httpx.WSGITransport(app=keeping_connection(application)),
                      base_url="http://testserver") as client:
        yield client


def keeping_connection(application):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    def keep(environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = application(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                if hasattr(response, "close"):
                    response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    return keep
