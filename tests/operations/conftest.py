"""The whole WSGI application as newsdesk/wsgi.py builds it with metrics on, the disk page cache on."""

import pytest

from tests.support import wsgi_client


@pytest.fixture
def metered_site(db, settings, tmp_path):
    """An HTTP client for the WSGI application: page-cache hits are answered before Django, and counted."""
    from django.core.wsgi import get_wsgi_application

    from newsdesk.operations.metrics import hit_counter
    from newsdesk.pagecache.wsgi import PageCacheApplication

    settings.NEWSDESK_METRICS = True
    settings.NEWSDESK_PAGE_CACHE = "disk"
    settings.NEWSDESK_PAGE_CACHE_DIR = str(tmp_path / "pages")
    with wsgi_client(PageCacheApplication(get_wsgi_application(), on_hit=hit_counter())) as client:
        yield client
