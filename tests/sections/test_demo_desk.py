"""The demo desk files its outlets' stories under the sections their outlets gave them,
and shows the two outlets' reports of one event as one cluster.

One test for both: a live server makes the test transactional, and the
flush after it empties the database of the demo newsroom the others read.
"""

import json

import pytest

from newsdesk.copies.models import Fingerprint
from newsdesk.demo.outlets import OUTLETS_FILE, demo_sources
from newsdesk.newsroom.periodic import run_due_jobs
from newsdesk.sections.models import TrainingRun
from newsdesk.stories.models import SectionPage
from newsdesk.wire.models import Source, WireItem
from tests.sections.desk import poll

pytestmark = pytest.mark.django_db


def test_the_demo_desk_files_each_outlet_story_under_its_section(settings, live_server, fetcher, editor):
    settings.NEWSDESK_DEMO_OUTLETS = True
    # The worker's first tick on a new demo site trains the model on the demo archive.
    assert "retrain-sections" in run_due_jobs()
    assert TrainingRun.objects.get().accepted
    expected = {
        story["title"]: story["section"]
        for outlet in json.loads(OUTLETS_FILE.read_text())["outlets"]
        for story in outlet["stories"]
    }

    filed = {}
    for data in demo_sources(live_server.url):
        source = Source.objects.create(
            name=data["name"], url=data["url"], section=SectionPage.objects.get(slug=data["section_slug"])
        )
        filed.update({title: item.section.slug for title, item in poll(source, fetcher).items()})

    assert filed == expected
    assert not WireItem.objects.filter(status=WireItem.Status.HELD).exists()

    same_event = {
        story["title"]
        for outlet in json.loads(OUTLETS_FILE.read_text())["outlets"]
        for story in outlet["stories"]
        if story.get("same_event")
    }
    assert len(same_event) == 2
    clusters = {}
    for fingerprint in Fingerprint.objects.filter(cluster__isnull=False).select_related("wire_item"):
        clusters.setdefault(fingerprint.cluster_id, set()).add(fingerprint.wire_item.title)
    assert list(clusters.values()) == [same_event]
    queue = editor.get("/admin/wire/").content.decode()
    assert queue.count("<summary>2 sources</summary>") == 1
