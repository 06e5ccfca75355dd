"""WSGI entry point (`newsdesk serve`): cached pages first, then Django."""

import os
import sys

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")


def leave_out_postgresql_driver():
    """On a site that does not use PostgreSQL, make its driver unimportable in this process.

    Django REST framework (which Wagtail's admin loads) imports
    django.contrib.postgres, and with it psycopg and libpq, whenever psycopg
    is installed: about 22 MB in every web process of a SQLite site that
    never opens a PostgreSQL connection. An import of None raises
    ImportError, which those imports expect.
    """
    if not any("postgresql" in database["ENGINE"] for database in settings.DATABASES.values()):
        for name in ("psycopg", "psycopg2"):
            sys.modules.setdefault(name, None)


leave_out_postgresql_driver()
django_application = get_wsgi_application()

from newsdesk.operations.switch import hit_counter  # noqa: E402  (needs Django set up)
from newsdesk.pagecache.wsgi import PageCacheApplication  # noqa: E402

application = PageCacheApplication(django_application, on_hit=hit_counter())

from newsdesk.warmup import warm_up  # noqa: E402

warm_up()
