"""The demo desk shows its outlets' two reports of the same event as one cluster."""

import json

import pytest

from newsdesk.copies.models import Fingerprint
from newsdesk.demo.outlets import OUTLETS_FILE, demo_sources
from newsdesk.stories.models import SectionPage
from newsdesk.wire.models import Source
from tests.sections.desk import poll

pytestmark = pytest.mark.django_db


def test_the_demo_outlets_same_event_pair_is_one_cluster(settings, live_server, fetcher, editor):
    settings.NEWSDESK_DEMO_OUTLETS = True
    same_event = {
        story["title"]
        for outlet in json.loads(OUTLETS_FILE.read_text())["outlets"]
        for story in outlet["stories"]
        if story.get("same_event")
    }
    assert len(same_event) == 2

    items = {}
    for data in demo_sources(live_server.url):
        source = Source.objects.create(
            name=data["name"], url=data["url"], section=SectionPage.objects.get(slug=data["section_slug"])
        )
        items.update(poll(source, fetcher))

    clusters = {}
    for fingerprint in Fingerprint.objects.filter(cluster__isnull=False).select_related("wire_item"):
        clusters.setdefault(fingerprint.cluster_id, set()).add(fingerprint.wire_item.title)
    assert list(clusters.values()) == [same_event]
    queue = editor.get("/admin/wire/").content.decode()
    assert queue.count("<summary>2 sources</summary>") == 1
