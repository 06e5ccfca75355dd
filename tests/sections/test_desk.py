"""The wire desk holds an item whose section is in doubt, shows three suggestions, and keeps the editor's choice."""

import pytest

from newsdesk.sections.models import SectionLabel
from newsdesk.wire.models import WireItem
from tests.sections.desk import add_source, poll, section

pytestmark = pytest.mark.django_db

LIGHTS = "Harbour lights switched on for the winter"


def test_a_low_confidence_item_is_held_with_the_top_three_suggestions(feed_server, fetcher, editor):
    items = poll(add_source(feed_server, "desk.xml", "world"), fetcher)

    lights = items[LIGHTS]
    assert lights.status == WireItem.Status.HELD and lights.section_confidence < 0.4
    assert "Section uncertain" in lights.status_reason
    assert len(lights.section_suggestions) == 3
    sure = items["Port Alder Athletic beat Sunder Bay United to go top of the Meridian Premier League"]
    assert sure.status == WireItem.Status.NEW  # a confident item is not held

    queue = editor.get("/admin/wire/", {"status": "held"}).content.decode()
    for section_id, _ in lights.section_suggestions:
        assert f'name="file_into" value="{lights.pk}-{section_id}"' in queue


def test_the_editors_choice_files_the_item_and_is_kept_as_a_label(feed_server, fetcher, editor):
    lights = poll(add_source(feed_server, "desk.xml", "world"), fetcher)[LIGHTS]
    culture = section("culture")

    response = editor.post("/admin/wire/act/", {"file_into": f"{lights.pk}-{culture.pk}"})

    assert response.status_code == 302
    lights.refresh_from_db()
    assert lights.section == culture and lights.status == WireItem.Status.NEW
    label = SectionLabel.objects.get()
    assert label.section == culture and label.text.startswith(LIGHTS) and label.created_by == "desk-editor"


def test_publishing_into_another_section_is_kept_as_a_label(feed_server, fetcher, editor):
    lights = poll(add_source(feed_server, "desk.xml", "world"), fetcher)[LIGHTS]
    culture = section("culture")

    editor.post("/admin/wire/act/", {"action": "publish", "items": [lights.pk], "section": culture.pk})

    lights.refresh_from_db()
    assert lights.status == WireItem.Status.PUBLISHED and lights.article.get_parent().specific == culture
    assert SectionLabel.objects.get().section == culture


def test_a_confidence_threshold_of_zero_holds_nothing(feed_server, fetcher, settings):
    settings.NEWSDESK_SECTION_CONFIDENCE = 0
    items = poll(add_source(feed_server, "desk.xml", "world"), fetcher)

    assert {item.status for item in items.values()} == {WireItem.Status.NEW}
