"""Fixtures for the feed tests."""

import pytest
from wagtail.images import get_image_model
from wagtail.images.models import Filter

from newsdesk.feeds.entries import LEAD_IMAGE_SPEC
from newsdesk.stories.models import ArticlePage


@pytest.fixture(scope="session", autouse=True)
def lead_renditions(django_db_setup, django_db_blocker):
    """Each demo lead image's feed rendition, made once for the session and kept.

    Made inside a test, a rendition's row would be rolled back with the test
    while its file stayed, so every test would resize all the pictures again.
    Earlier tests (reader pages render the same size) may have left such a
    rolled-back rendition in Wagtail's rendition cache: it is dropped first,
    so that the cache and the database agree.
    """
    rendition_model = get_image_model().get_rendition_model()
    spec = Filter(LEAD_IMAGE_SPEC)
    with django_db_blocker.unblock():
        for story in ArticlePage.objects.live().exclude(lead_image=None).select_related("lead_image"):
            image = story.lead_image
            rendition_model.cache_backend.delete(
                rendition_model.construct_cache_key(image, spec.get_cache_key(image), LEAD_IMAGE_SPEC)
            )
            image.get_rendition(spec)
