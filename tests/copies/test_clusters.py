"""Other outlets' reports of one event form a cluster: one row on the desk, "Also reported by" under the story."""

import html

import pytest

from newsdesk.copies.models import Fingerprint
from newsdesk.wire.models import Rule, WireItem
from newsdesk.wire.publishing import publish_item
from tests.copies.outlets import CHOIR, FERRIES, FERRIES_COPY, FERRIES_REPORT, LIGHTHOUSE
from tests.pagecache.conftest import cached_site  # noqa: F401  (the whole WSGI application, page cache on)

pytestmark = pytest.mark.django_db


def cluster_of(item):
    return Fingerprint.objects.get(wire_item=item).cluster_id


def test_reports_of_one_event_from_other_outlets_and_a_copy_form_one_cluster(outlets):
    original = outlets("original")[FERRIES]
    copier = outlets("copier")
    reporter = outlets("reporter")

    cluster = cluster_of(original)
    assert cluster is not None
    assert cluster_of(copier[FERRIES_COPY]) == cluster  # a copy, in its original's cluster
    assert cluster_of(reporter[FERRIES_REPORT]) == cluster  # the same event in other words
    assert cluster_of(copier[LIGHTHOUSE]) is None and cluster_of(reporter[CHOIR]) is None


def test_the_desk_shows_a_cluster_as_one_row_that_opens_to_its_members(outlets, editor):
    original = outlets("original")[FERRIES]
    copier = outlets("copier")
    report = outlets("reporter")[FERRIES_REPORT]

    queue = editor.get("/admin/wire/").content.decode()

    table = queue[queue.index("wire-queue"):]
    rows = table[table.index("<tbody>"):table.index("</tbody>")].split("</tr>")[:-1]
    clustered = [row for row in rows if "wire-cluster" in row]
    assert len(clustered) == 1
    row = clustered[0]
    assert "<summary>3 sources</summary>" in row
    for member in (original, copier[FERRIES_COPY], report):
        assert queue.count(f'name="items" value="{member.pk}"') == 1  # listed once, in the cluster's row
        assert f'value="{member.pk}"' in row
    assert html.escape(FERRIES) in row and "Island Gazette" in row and "Coastline Wire" in row
    # The other outlets' own stories keep rows of their own.
    assert len(rows) == 3
    assert not any(CHOIR in other or LIGHTHOUSE in other for other in clustered)


def test_the_story_lists_the_other_outlets_and_a_new_one_as_it_joins(outlets, cached_site, committed):
    with committed():
        original = outlets("original")[FERRIES]
        article = publish_item(original)
        copy = outlets("copier")[FERRIES_COPY]

    first = cached_site.get(article.url)
    assert first.status_code == 200
    page = first.text
    assert "Also reported by" in page
    assert f'<a href="{html.escape(copy.url)}" rel="noopener nofollow">Daily Digest Online</a>' in page
    assert "Island Gazette" not in page
    assert cached_site.get(article.url).headers["X-Page-Cache"] == "hit"

    with committed():
        report = outlets("reporter")[FERRIES_REPORT]

    again = cached_site.get(article.url)
    assert again.headers["X-Page-Cache"] == "miss"  # purged when the report joined
    assert f'<a href="{html.escape(report.url)}" rel="noopener nofollow">Island Gazette</a>' in again.text
    assert "Coastline Wire</a>:" not in again.text  # the story's own outlet is not "also"


def test_outlet_names_and_headlines_are_escaped(outlets, client):
    original = outlets("original")[FERRIES]
    article = publish_item(original)
    report = outlets("reporter")[FERRIES_REPORT]
    report.title = '<img src=x onerror="alert(1)">Battery ferries'
    report.url = "javascript:alert(1)"
    report.save()
    report.source.name = "<b>Island</b> Gazette"
    report.source.save()

    page = client.get(article.url).content.decode()

    assert "&lt;img src=x" in page and "<img src=x" not in page
    assert "&lt;b&gt;Island&lt;/b&gt; Gazette" in page
    assert "javascript:" not in page


def test_a_rule_publishing_the_first_of_a_cluster_holds_the_other_reports(outlets, editor):
    form = {"source": "", "action": "publish", "words": "", "pattern": "", "section": "",
            "cluster_policy": "first", "position": 0, "enabled": "on"}
    assert editor.post("/admin/wire_rules/new/", form).status_code == 302
    assert Rule.objects.get().cluster_policy == Rule.ClusterPolicy.FIRST

    original = outlets("original")[FERRIES]
    reporter = outlets("reporter")

    assert original.status == WireItem.Status.PUBLISHED
    report = reporter[FERRIES_REPORT]
    assert report.status == WireItem.Status.HELD and report.article is None
    assert "Same story as" in report.status_reason and FERRIES in report.status_reason
    assert reporter[CHOIR].status == WireItem.Status.PUBLISHED


def test_a_rule_for_every_report_publishes_each_outlets_own_words(outlets):
    Rule.objects.create(action=Rule.Action.PUBLISH)

    original = outlets("original")[FERRIES]
    report = outlets("reporter")[FERRIES_REPORT]

    assert original.status == report.status == WireItem.Status.PUBLISHED
    assert cluster_of(original) == cluster_of(report)
