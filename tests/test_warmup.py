"""A web worker does at start what its first request would: URL modules imported, reader templates compiled."""

from django.template import engines
from django.urls import clear_url_caches, get_resolver

from newsdesk.warmup import reader_templates, warm_up


def cached_template_names():
    loader = engines["django"].engine.template_loaders[0]  # the cached loader, as Django sets it up
    return {key.split(":", 1)[0] if ":" in key else key for key in loader.get_template_cache}


def test_warm_up_compiles_every_reader_template_and_indexes_the_urls():
    names = set(reader_templates())
    assert {"stories/home_page.html", "stories/article_page.html", "branding/base.html"} <= names
    assert not any(name.startswith(("wire/", "sections/", "demo/")) for name in names)
    engines["django"].engine.template_loaders[0].reset()
    clear_url_caches()
    warm_up()
    assert names <= cached_template_names()
    assert get_resolver()._populated
