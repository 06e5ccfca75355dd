"""What one same-story check costs and how two at once meet: kept features, no re-reading, one cluster."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsdesk.copies import clusters
from newsdesk.copies.models import Cluster, Fingerprint
from newsdesk.wire.models import WireItem
from tests.copies.outlets import CHOIR, FERRIES, FERRIES_REPORT, LIGHTHOUSE
from tests.racing import BACKENDS, prepared_database

pytestmark = pytest.mark.django_db


def test_each_compared_story_keeps_its_language_names_and_vector(outlets):
    original = outlets("original")[FERRIES]
    outlets("reporter")

    kept = Fingerprint.objects.get(wire_item=original)
    assert kept.english is True
    assert "saltmarsh" in kept.entities and "2029" in kept.entities  # its names and numbers, case-folded
    assert kept.english_vector or kept.multilingual_vector


def test_a_later_check_reads_no_candidate_text(outlets, settings):
    """Once every candidate's features and vectors are kept, a check reads only the new item's own text."""
    settings.NEWSDESK_CLUSTER_ENCODERS = True
    outlets("original")
    reporter = outlets("reporter")
    item = reporter[CHOIR]
    fingerprint = Fingerprint.objects.get(wire_item=item)

    with CaptureQueriesContext(connection) as queries:
        clusters.best_match(fingerprint, item)

    read_text = [query["sql"] for query in queries.captured_queries if '"wire_wireitem"."text"' in query["sql"]]
    assert read_text == []
    assert len(queries.captured_queries) <= 2  # the candidates, and nothing kept needed writing


def test_new_text_clears_what_the_old_text_kept(outlets):
    from newsdesk.copies.linking import note_item
    from tests.copies.outlets import FERRIES_COPY

    copier = outlets("original") and outlets("copier")
    item = copier[LIGHTHOUSE]
    before = Fingerprint.objects.get(wire_item=item)
    assert before.entities is not None  # compared with the wire service's stories when it came in
    assert copier[FERRIES_COPY]

    item.text = "Sundial restorers in Quarrytown reopen the clock tower to visitors. " * 8
    item.save()
    note_item(item)

    after = Fingerprint.objects.get(pk=before.pk)
    assert after.english is None and after.entities is None
    assert not after.english_vector and not after.multilingual_vector
    clusters.note_item(item)
    assert "quarrytown" in Fingerprint.objects.get(pk=before.pk).entities


def in_child_two_reports_placed_at_once(threads):
    """Run in a race process: two outlets' reports of one event, stored, then placed by two threads at once."""
    from django.utils import timezone

    from newsdesk.copies.linking import note_item
    from newsdesk.wire.models import Source
    from tests.copies.outlets import FERRIES, FERRIES_REPORT, FEEDS
    from tests.racing import race

    texts = story_texts(FEEDS)
    items = []
    for number, title in enumerate((FERRIES, FERRIES_REPORT)):
        source = Source.objects.create(name=f"Outlet {number}", url=f"http://127.0.0.1/{number}.xml",
                                       next_poll_at=timezone.now())
        item = WireItem.objects.create(source=source, identity=f"story-{number}", url=f"http://127.0.0.1/{number}",
                                       title=title, text=texts[title])
        note_item(item)
        items.append(item)
    placed = race(threads, lambda number: clusters.note_item(items[number % 2]) is not None)
    return {
        "placed": placed,
        "clusters": Cluster.objects.count(),
        "members": sorted(Fingerprint.objects.filter(cluster__isnull=False).values_list("wire_item_id", flat=True)),
        "items": sorted(item.pk for item in items),
    }


def story_texts(feeds):
    """Each story's plain text by headline, from the outlets' saved feeds."""
    import feedparser

    from newsdesk.stories.excerpts import plain_text

    texts = {}
    for name in ("original", "reporter"):
        for entry in feedparser.parse((feeds / f"{name}.xml").read_bytes()).entries:
            body = entry.get("content", [{}])[0].get("value") or entry.get("summary", "")
            texts[entry.title] = plain_text(body)
    return texts


@pytest.fixture(params=BACKENDS)
def race_database(request, tmp_path_factory):
    return prepared_database(request.param, request, tmp_path_factory)


@pytest.mark.django_db(False)
def test_two_reports_placed_at_once_form_one_cluster(race_database):
    """Two workers place the two reports at the same moment: each finds the other, and they share one cluster."""
    result = race_database.run("tests.copies.test_cluster_checks:in_child_two_reports_placed_at_once", threads=2,
                               settings={"NEWSDESK_CLUSTER_ENCODERS": "1"})
    assert result["placed"] == [True, True]
    assert result["clusters"] == 1
    assert result["members"] == result["items"]



def add_reports(cluster, first, count):
    """`count` more outlets' reports in `cluster`, stored directly, numbered from `first`."""
    from django.utils import timezone

    from newsdesk.copies.minhash import signature
    from newsdesk.wire.models import Source

    for number in range(first, first + count):
        source = Source.objects.create(name=f"Outlet {number:02}", url=f"http://127.0.0.1/outlet-{number}.xml",
                                       next_poll_at=timezone.now())
        text = f"Report {number} of the harbour fire, told in the words of outlet {number}."
        item = WireItem.objects.create(source=source, identity=f"fire-{number}", url=f"http://127.0.0.1/fire/{number}",
                                       title=f"Harbour fire, report {number:02}", text=text)
        sig = signature(text)
        Fingerprint.objects.create(wire_item=item, signature=sig.to_bytes(), shingle_count=sig.size, cluster=cluster)


def test_the_desk_lists_at_most_twenty_members_of_a_cluster_in_the_same_queries(editor):
    """However many outlets told the story, its row counts them all, lists twenty, and costs the same queries."""
    from newsdesk.copies.desk import MAX_MEMBERS_LISTED

    def desk_row():
        with CaptureQueriesContext(connection) as queries:
            page = editor.get("/admin/wire/").content.decode()
        row = next(row for row in page.split("</tr>") if "wire-cluster" in row)
        return row, len(queries)

    cluster = Cluster.objects.create()
    add_reports(cluster, 0, 3)
    desk_row()  # the session and the admin's own first reads
    row, small = desk_row()
    assert "<summary>3 sources</summary>" in row and row.count('name="items" value=') == 3

    add_reports(cluster, 3, 27)
    row, large = desk_row()
    assert "<summary>30 sources</summary>" in row
    assert row.count('name="items" value=') == MAX_MEMBERS_LISTED + 1  # its leader, and the members listed
    assert large == small


@pytest.mark.parametrize("english, multilingual", [(False, False), (True, False), (False, True)])
def test_pairs_are_scored_with_whatever_encoders_are_installed(monkeypatch, english, multilingual):
    """Character n-grams stand in for a missing encoder, and only where one is missing."""
    from newsdesk.copies import meaning, similarity

    monkeypatch.setattr(meaning, "english_available", lambda: english)
    monkeypatch.setattr(meaning, "multilingual_available", lambda: multilingual)
    report = "The council approved the harbour budget on Tuesday, the mayor of Vellmouth said."
    pairs = [(report, "Vellmouth council backs the harbour budget, its mayor said on Tuesday."),
             ("Der Stadtrat von Vellmouth hat am Dienstag den Hafenhaushalt beschlossen.", report),
             (report, "Castelnor Opera ends its season with record ticket sales.")]
    stories = similarity.prepare_pairs(pairs)
    same, across, unrelated = similarity.compare_texts(pairs)

    assert same.similarity > unrelated.similarity and across.similarity > unrelated.similarity
    english_pair_has_its_encoder = english or multilingual
    assert (stories[0].chars is None) == english_pair_has_its_encoder
    assert (stories[2].chars is None) == multilingual  # across languages only the multilingual encoder serves
