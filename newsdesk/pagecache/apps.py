from datetime import timedelta

from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "newsdesk.pagecache"
    label = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from newsdesk.newsroom import periodic

        from . import dependencies, invalidation

        dependencies.connect_loaders()
        invalidation.connect()
        periodic.register(
            periodic.PeriodicJob("sweep-page-cache", timedelta(minutes=1), "newsdesk.pagecache.tasks.sweep_pages")
        )
