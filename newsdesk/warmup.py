"""What a web worker's first request would do, done when the worker starts.

A new worker imports the URL modules (the admin's among them) when it first
resolves an address and compiles each template when it first renders it:
about 1.4 s of work on this kind of machine, and several times that when
readers are already crowding the server. Without this, the first reader page
a worker renders after a story is published (the cache has just dropped it)
took almost two seconds to appear under load. Nothing here reads the
database, so a worker still starts on a site that is not set up yet.
"""

import logging
from pathlib import Path

from django.apps import apps
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import get_resolver

logger = logging.getLogger(__name__)

# The apps whose templates readers' pages are made of.
READER_APPS = ("branding", "stories", "seo", "feeds")


def warm_up():
    try:
        resolver = get_resolver()
        resolver.reverse_dict  # imports every URL module and indexes the names
        for name in reader_templates():
            get_template(name)
    except (ImportError, TemplateDoesNotExist, TemplateSyntaxError):
        # The first request would fail the same way and say so; starting matters more.
        logger.exception("Warming up the web worker failed")


def reader_templates():
    """The names of the reader apps' templates, as get_template() takes them."""
    for label in READER_APPS:
        root = Path(apps.get_app_config(label).path) / "templates"
        for path in sorted(root.rglob("*")):
            if path.suffix in (".html", ".xml", ".txt") and path.is_file():
                yield path.relative_to(root).as_posix()
