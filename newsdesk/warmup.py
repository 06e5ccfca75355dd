"""What a web worker's first request, or a task worker's first job, would do, done when it starts.

A new worker imports the URL modules (the admin's among them) when it first
resolves an address and compiles each template when it first renders it:
about 1.4 s of work on this kind of machine, and several times that when
readers are already crowding the server. Without this, the first reader page
a worker renders after a story is published (the cache has just dropped it)
took almost two seconds to appear under load. Nothing here reads the
database, so a worker still starts on a site that is not set up yet.

A task worker on the RQ queue forks a work horse for every job, and the horse
imported on its own what the job needs: Wagtail's hooks modules (the publish
log and the reference index call them), the wire pipeline, datasketch and
scikit-learn. That cost every job several seconds (about 20 s of CPU in the
first 45 s of a worker polling three feeds and publishing four stories).
Imported once in the parent, before any fork, the horses share them.
"""

import logging
from importlib import import_module
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


# The modules task workers' jobs import inside their functions, heaviest
# first. Importing creates no threads, so forking after it is safe; the
# sentence encoders' ONNX sessions are not built here: their thread pools
# would not survive the fork.
TASK_MODULES = (
    "newsdesk.wire.pipeline",
    "newsdesk.wire.polling",
    "newsdesk.wire.rules",
    "newsdesk.copies.linking",
    "newsdesk.copies.clusters",
    "newsdesk.sections.classifier",
    "newsdesk.sections.training",
    "newsdesk.stories.renditions",
    "newsdesk.webhooks.delivery",
    "datasketch",
    "sklearn.linear_model",
)


def warm_up_worker():
    """Import, in a task worker before it forks, what its jobs would each import again."""
    from wagtail import hooks
    from wagtail.rich_text import features

    warm_up()
    hooks.search_for_hooks()  # every app's wagtail_hooks module
    features.get_embed_types()  # the rich text features those hooks register
    for name in TASK_MODULES:
        try:
            import_module(name)
        except ImportError:
            # An optional part not installed: a job needing it says so, as it would have.
            logger.warning("Warming up the task worker: %s could not be imported", name, exc_info=True)
