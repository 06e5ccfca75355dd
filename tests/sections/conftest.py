"""Fixtures for the sections tests: a model folder of each test's own, saved feeds on 127.0.0.1, an editor."""

import pytest
from django.contrib.auth import get_user_model

from newsdesk.wire.models import Source
from newsdesk.wire.pipeline import make_fetcher
from tests.wire.conftest import feed_server  # noqa: F401  (saved feeds on 127.0.0.1; tests/sections/desk.py serves this folder's)

@pytest.fixture(autouse=True)
def own_model_folder(settings, tmp_path):
    """Each test starts with no model: the site's model file lives in the data folder."""
    settings.DATA_DIR = tmp_path


@pytest.fixture
def local_fetching(settings, db):
    Source.objects.update(enabled=False)  # only the test's own sources are polled
    settings.NEWSDESK_FETCH_ALLOWED_NETWORKS = ("127.0.0.1/32",)
    settings.NEWSDESK_FETCH_PER_HOST_DELAY = 0.0
    settings.NEWSDESK_FETCH_TIMEOUT = 5.0


@pytest.fixture
def fetcher(local_fetching):
    with make_fetcher() as fetcher:
        yield fetcher


@pytest.fixture
def editor(client, db):
    user = get_user_model().objects.create_superuser("desk-editor", "desk@example.org", "unused-password-1")
    client.force_login(user)
    return client
