"""WSGI entry point (`newsdesk serve`): cached pages first, then Django."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
django_application = get_wsgi_application()

from newsdesk.operations.metrics import hit_counter  # noqa: E402  (needs Django set up)
from newsdesk.pagecache.wsgi import PageCacheApplication  # noqa: E402

application = PageCacheApplication(django_application, on_hit=hit_counter())

from newsdesk.warmup import warm_up  # noqa: E402

warm_up()
