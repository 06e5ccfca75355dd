"""NEWSDESK_DEMO_OUTLETS: the demo outlets, and the desk's sources for them, exist only where it is on."""

import httpx
import pytest
from django.db.models import Q
from django.test import override_settings

from newsdesk.demo.loader import OUTLETS_OFF_NOTE, load_demo_sources, repoint_demo_sources
from newsdesk.demo.outlets import catalogue, demo_sources
from newsdesk.stories.models import SectionPage
from newsdesk.wire.models import Source

pytestmark = pytest.mark.django_db

OUTLET_URLS = [
    "/demo-outlets/",
    "/demo-outlets/harbour-wire/",
    "/demo-outlets/harbour-wire/feed.xml",
    "/demo-outlets/coastline-daily/feed.json",
    "/demo-outlets/coastline-daily/amber-tern-freed-from-sallow-strait-sandbank/",
]
DEMO_FEEDS = Q(url__contains="/demo-outlets/")


def demo_sections():
    slugs = {outlet["section"] for outlet in catalogue().outlets.values()}
    return {section.slug: section for section in SectionPage.objects.filter(slug__in=slugs)}


@pytest.mark.parametrize("url", OUTLET_URLS)
def test_outlets_are_404_by_default(client, url):
    """With the setting at its default (off), as on a deployed site, every outlet address answers 404."""
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", OUTLET_URLS)
def test_outlets_answer_when_the_setting_is_on(client, url):
    """Turned on, the site's own URLs serve the outlets; the setting is read per request."""
    with override_settings(NEWSDESK_DEMO_OUTLETS=True):
        assert client.get(url).status_code == 200
    assert client.get(url).status_code == 404


def test_the_site_as_deployed_does_not_serve_the_outlets(running_site):
    """The demo site set up and served the production way (`newsdesk serve`, no setting) answers 404 there."""
    assert httpx.get(running_site + "/").status_code == 200
    assert httpx.get(running_site + "/demo-outlets/harbour-wire/feed.xml").status_code == 404
    robots = httpx.get(running_site + "/robots.txt").text.splitlines()
    assert "Disallow: /demo-outlets/" in robots


def test_loading_adds_no_outlet_sources_while_off():
    """Loading the demo with the outlets off adds no sources pointing at them."""
    Source.objects.filter(DEMO_FEEDS).delete()
    load_demo_sources(demo_sections())
    repoint_demo_sources()
    assert not Source.objects.filter(DEMO_FEEDS).exists()


def test_loading_adds_the_three_sources_while_on(settings):
    """With the outlets on, the demo's three feeds become sources on the site's address, once."""
    settings.NEWSDESK_DEMO_OUTLETS = True
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8123"
    Source.objects.filter(DEMO_FEEDS).delete()
    load_demo_sources(demo_sections())
    load_demo_sources(demo_sections())
    urls = sorted(Source.objects.filter(DEMO_FEEDS).values_list("url", flat=True))
    assert urls == sorted(source["url"] for source in demo_sources("http://127.0.0.1:8123"))


def test_a_demo_site_set_up_with_the_outlets_off_gets_its_sources_when_run_with_them_on(settings):
    """`newsdesk setup` then `newsdesk run`: the setup adds none, the run's setup adds the three."""
    Source.objects.filter(DEMO_FEEDS).delete()
    repoint_demo_sources()
    assert not Source.objects.filter(DEMO_FEEDS).exists()
    settings.NEWSDESK_DEMO_OUTLETS = True
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8124"
    repoint_demo_sources()
    assert Source.objects.filter(DEMO_FEEDS, url__startswith="http://127.0.0.1:8124/", enabled=True).count() == 3


def test_turning_the_outlets_off_pauses_their_sources_and_on_resumes_them(settings):
    """Off, existing demo sources are paused with a note instead of polling a 404; on again, they resume."""
    settings.NEWSDESK_DEMO_OUTLETS = True
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8125"
    repoint_demo_sources()
    other = Source.objects.create(name="Not the demo", url="https://example.org/demo-outlets/elsewhere.xml")

    settings.NEWSDESK_DEMO_OUTLETS = False
    repoint_demo_sources()
    paused = Source.objects.filter(DEMO_FEEDS).exclude(pk=other.pk)
    assert paused.count() == 3
    assert all(not source.enabled and source.last_error == OUTLETS_OFF_NOTE for source in paused)
    other.refresh_from_db()
    assert other.enabled

    settings.NEWSDESK_DEMO_OUTLETS = True
    repoint_demo_sources()
    assert all(source.enabled and not source.last_error for source in Source.objects.filter(pk__in=paused))
