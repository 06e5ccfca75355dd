"""The demo desk files its outlets' stories under the sections their outlets gave them."""

import json

import pytest

from newsdesk.demo.outlets import OUTLETS_FILE, demo_sources
from newsdesk.newsroom.periodic import run_due_jobs
from newsdesk.sections.models import TrainingRun
from newsdesk.stories.models import SectionPage
from newsdesk.wire.models import Source, WireItem
from tests.sections.desk import poll

pytestmark = pytest.mark.django_db


def test_the_demo_desk_files_each_outlet_story_under_its_section(settings, live_server, fetcher):
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
