"""Fixtures for the copies tests: two outlets' saved feeds on 127.0.0.1, polled as the worker polls them."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from newsdesk.stories.models import SectionPage
from newsdesk.wire.models import Source, WireItem
from newsdesk.wire.pipeline import poll_source
from tests.copies.outlets import FEEDS, NAMES
from tests.sections.conftest import fetcher, local_fetching  # noqa: F401  (polls 127.0.0.1 without pacing)
from tests.wire.conftest import feed_server  # noqa: F401  (saved feeds on 127.0.0.1)


@pytest.fixture(autouse=True)
def own_data_folder(settings, tmp_path):
    """No section model from another test: items keep their source's section."""
    settings.DATA_DIR = tmp_path


@pytest.fixture
def outlets(feed_server, fetcher):
    """poll(name): add the outlet whose feed is tests/copies/feeds/<name>.xml, poll it, return its items by title."""

    def poll(name):
        body = (FEEDS / f"{name}.xml").read_bytes().replace(b"http://127.0.0.1:PORT", feed_server.base.encode())
        feed_server.set(f"/{name}.xml", body=body, content_type="application/rss+xml; charset=utf-8")
        source = Source.objects.create(
            name=NAMES[name],
            url=feed_server.url(f"/{name}.xml"), section=SectionPage.objects.get(slug="world"),
            next_poll_at=timezone.now(),
        )
        outcome = poll_source(source, fetcher)
        assert outcome is not None and outcome.ok, outcome and outcome.error
        return {item.title: item for item in WireItem.objects.filter(source=source)}

    return poll


@pytest.fixture
def editor(client, db):
    user = get_user_model().objects.create_superuser("copy-editor", "copies@example.org", "unused-password-1")
    client.force_login(user)
    return client
