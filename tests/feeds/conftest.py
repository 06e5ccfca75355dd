"""Fixtures for the feed tests."""

import pytest

from newsdesk.feeds.entries import LEAD_IMAGE_SPEC
from newsdesk.stories.models import ArticlePage


@pytest.fixture(scope="session", autouse=True)
def lead_renditions(django_db_setup, django_db_blocker):
    """Each demo lead image's feed rendition, made once for the session.

    Made inside a test, a rendition's row would be rolled back with the test
    while its file stayed, so every test would resize all the pictures again.
    """
    with django_db_blocker.unblock():
        for story in ArticlePage.objects.live().exclude(lead_image=None).select_related("lead_image"):
            story.lead_image.get_rendition(LEAD_IMAGE_SPEC)
