"""Our own stories join the clusters of other outlets' reports: "Also reported by" under a story written here."""

import html

import pytest
from wagtail.rich_text import RichText

from newsdesk.copies.models import Fingerprint
from tests.copies.outlets import CHOIR, FERRIES, FERRIES_REPORT
from tests.pagecache.conftest import cached_site, publish_story  # noqa: F401  (the WSGI application; publishing)

pytestmark = pytest.mark.django_db

# Our reporter's own account of the ferry order, in words of its own.
OUR_FERRY_STORY = [
    "Three battery-powered ferries will replace the ageing diesel boats on the Gull Island and Pennick "
    "routes, after Saltmarsh Ferries signed a contract with the Kestrel shipyard on Monday.",
    "The operator's chief executive, Mara Linwood, told us the order was the largest in the company's "
    "history. Each vessel will carry 400 passengers and 60 cars and will charge at the quay.",
    "The first ship is expected in 2029. Islanders who have complained for years about fumes in the "
    "harbour welcomed the news, and the regional council will pay for the charging points.",
]


@pytest.fixture
def our_ferry_story(publish_story):
    def publish():
        body = [("paragraph", RichText(f"<p>{paragraph}</p>")) for paragraph in OUR_FERRY_STORY]
        return publish_story("ferries-go-electric", title="Electric ferries ordered for the island crossings",
                             body=body)

    return publish


def test_a_story_written_here_lists_the_outlets_that_reported_its_event(outlets, our_ferry_story, client):
    reporter = outlets("reporter")
    article = our_ferry_story()

    ours = Fingerprint.objects.get(article=article)
    assert ours.cluster_id is not None
    assert Fingerprint.objects.get(wire_item=reporter[FERRIES_REPORT]).cluster_id == ours.cluster_id
    assert Fingerprint.objects.get(wire_item=reporter[CHOIR]).cluster_id is None

    page = client.get(article.url).content.decode()
    assert "Also reported by" in page
    assert f'<a href="{html.escape(reporter[FERRIES_REPORT].url)}" rel="noopener nofollow">Island Gazette</a>' in page


def test_a_report_that_comes_in_later_joins_our_story_and_its_page_is_purged(outlets, our_ferry_story, cached_site,
                                                                            committed):
    article = our_ferry_story()
    first = cached_site.get(article.url)
    assert "Also reported by" not in first.text  # nobody else has told it yet
    assert cached_site.get(article.url).headers["X-Page-Cache"] == "hit"

    with committed():
        wire = outlets("original")[FERRIES]

    assert Fingerprint.objects.get(wire_item=wire).cluster_id == Fingerprint.objects.get(article=article).cluster_id
    again = cached_site.get(article.url)
    assert again.headers["X-Page-Cache"] == "miss"  # purged when the report joined
    assert f'<a href="{html.escape(wire.url)}" rel="noopener nofollow">Coastline Wire</a>' in again.text


@pytest.mark.parametrize("follow_up_text", [
    OUR_FERRY_STORY[1:],  # repeating our own paragraphs: a copy of our story
    ["Saltmarsh Ferries confirmed its order with the Kestrel shipyard for three electric ships for Gull Island "
     "and Pennick, the first due in 2029, each taking 400 passengers and 60 cars, Mara Linwood said on Monday."],
])
def test_our_stories_are_not_clustered_with_each_other(our_ferry_story, publish_story, follow_up_text):
    article = our_ferry_story()
    body = [("paragraph", RichText(f"<p>{paragraph}</p>")) for paragraph in follow_up_text]
    follow_up = publish_story("ferries-follow-up", title="More on the electric ferries", body=body)

    assert Fingerprint.objects.get(article=follow_up).cluster_id is None
    assert Fingerprint.objects.get(article=article).cluster_id is None


def test_a_rule_publishing_the_first_report_holds_one_of_a_story_we_wrote(outlets, our_ferry_story):
    from newsdesk.wire.models import Rule, WireItem

    Rule.objects.create(action=Rule.Action.PUBLISH, cluster_policy=Rule.ClusterPolicy.FIRST)
    article = our_ferry_story()
    reporter = outlets("reporter")

    report = WireItem.objects.get(pk=reporter[FERRIES_REPORT].pk)
    assert report.status == WireItem.Status.HELD and report.article is None
    assert f"Same story as “{article.title}” (our own story)" in report.status_reason
    assert WireItem.objects.get(pk=reporter[CHOIR].pk).status == WireItem.Status.PUBLISHED
