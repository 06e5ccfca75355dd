"""The whole WSGI application as newsdesk/wsgi.py builds it with metrics on, the disk page cache on."""

import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@pytest.fixture
def metered_site(db, settings, tmp_path):
    """An HTTP client for the WSGI application: page-cache hits are answered before Django, and counted."""
    from django.core.wsgi import get_wsgi_application

    from newsdesk.operations.metrics import hit_counter
    from newsdesk.pagecache.wsgi import PageCacheApplication

    settings.NEWSDESK_METRICS = True
    settings.NEWSDESK_PAGE_CACHE = "disk"
    settings.NEWSDESK_PAGE_CACHE_DIR = str(tmp_path / "pages")
    application = PageCacheApplication(get_wsgi_application(), on_hit=hit_counter())
    # As Django's test client does: keep the test's connection and its transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with httpx.Client(transport=httpx.WSGITransport(app=application), base_url="http://testserver") as client:
            yield client
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks (the purges) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
