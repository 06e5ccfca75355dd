"""Wagtail's redirects and snippets apps, without their content-API endpoints.

Wagtail's own AppConfigs register redirect and snippet endpoints with both versions of
its content API when the app loads, which imports Django REST framework,
django-ninja and pydantic into every process: about 40 MB per web worker
that serves readers. newsdesk routes neither API (its readers' API is
newsdesk.api), so this config keeps what the app does for the site (the
permission policy, redirects created when a page moves or changes slug) and
leaves the endpoints out.
"""

from django.db.models.signals import post_migrate
from wagtail.contrib.redirects.apps import WagtailRedirectsAppConfig
from wagtail.snippets.apps import WagtailSnippetsAppConfig


class RedirectsConfig(WagtailRedirectsAppConfig):
    def ready(self):
        from wagtail.permissions import register_permission_policy
        from wagtail.signals import page_slug_changed, post_page_move

        from wagtail.contrib.redirects.models import Redirect
        from wagtail.contrib.redirects.signal_handlers import (
            autocreate_redirects_on_page_move,
            autocreate_redirects_on_slug_change,
        )

        register_permission_policy(Redirect)
        post_page_move.connect(autocreate_redirects_on_page_move)
        page_slug_changed.connect(autocreate_redirects_on_slug_change)


class SnippetsConfig(WagtailSnippetsAppConfig):
    def ready(self):
        from wagtail.snippets.models import create_extra_permissions, register_deferred_snippets

        register_deferred_snippets()
        post_migrate.connect(create_extra_permissions, sender=self)
