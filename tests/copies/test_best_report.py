"""A rule publishing only the best report of a story: it waits, publishes the fullest report, holds the others."""

import html
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from newsdesk.stories.models import ArticlePage
from newsdesk.wire.models import Rule, WireItem
from newsdesk.wire.tasks import decide_best_reports
from tests.copies.outlets import CHOIR, FERRIES, FERRIES_COPY, FERRIES_REPORT, LIGHTHOUSE
from tests.racing import BACKENDS, prepared_database

pytestmark = pytest.mark.django_db

WAIT_MINUTES = 20  # NEWSDESK_CLUSTER_BEST_WAIT_MINUTES' default

RULE_FORM = {"source": "", "action": "publish", "words": "", "pattern": "", "section": "",
             "cluster_policy": "best", "position": 0, "enabled": "on"}

# The Island Gazette's own page for its ferry report: longer than its feed's
# text, with a lead image, so the last of the three reports to arrive is the best.
GAZETTE_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="UTF-8">
<title>Battery ferries to replace diesel boats on Gull Island and Pennick crossings – Island Gazette</title>
<meta property="og:title" content="Battery ferries to replace diesel boats on Gull Island and Pennick crossings">
<meta property="og:image" content="http://127.0.0.1:PORT/gazette/images/kestrel-yard.jpg">
</head>
<body>
<header><a href="/">Island Gazette</a> <nav><a href="/news/">News</a> <a href="/sport/">Sport</a></nav></header>
<main>
<article>
<h1>Battery ferries to replace diesel boats on Gull Island and Pennick crossings</h1>
<p class="byline">By Tamsin Roe, harbour reporter</p>
<p>The diesel boats that have carried islanders to Gull Island and Pennick for decades are to be retired.
Saltmarsh Ferries announced on Monday that it has signed a contract with the Kestrel shipyard for three
electric vessels.</p>
<p>Each new ferry will take 400 passengers and 60 vehicles and recharge its batteries at the quay while cars
drive on and off. The first is due in 2029, with the other two following at intervals.</p>
<p>Mara Linwood, the operator's chief executive, called it the biggest order the company had ever placed and
said fuel costs would fall by around two thirds. Residents near the harbour have long campaigned against diesel
fumes and engine noise.</p>
<p>Charging points on the two islands will be funded by the regional council's green transport fund, which its
transport committee expects to spend 18 million on the work.</p>
<p>At the Kestrel yard, where the hulls will be built, the order secures work for around two hundred people until
the last ship is delivered. The yard's manager, Colin Prideaux, said it would take on twenty apprentices in the
new year and that the first steel would be cut in the autumn.</p>
<p>Not everyone on the islands is convinced. Fishermen at Pennick asked what would happen on the days of winter
storms, when the crossing already stops for hours, and whether a ship on batteries could wait out a gale at
sea. The operator said each vessel would carry a small generator for emergencies only.</p>
<p>The old diesel boats, the youngest of them thirty-one years in service, will be sold once the new ships have
passed their sea trials. A campaign to keep the oldest, the Gull Star, as a floating museum in the harbour has
already gathered four hundred signatures.</p>
</article>
</main>
<footer>© Island Gazette. All rights reserved.</footer>
</body>
</html>
"""


@pytest.fixture
def best_rule(editor):
    """A global rule, made in the admin, publishing only the best report of each story."""
    form = editor.get("/admin/wire_rules/new/").content.decode()
    assert '<option value="best">Only the best report of a story, after a wait</option>' in form
    assert f"waits {WAIT_MINUTES} minutes" in form
    assert editor.post("/admin/wire_rules/new/", RULE_FORM).status_code == 302
    rule = Rule.objects.get()
    assert rule.cluster_policy == Rule.ClusterPolicy.BEST
    return rule


@pytest.fixture
def gazette_page(feed_server):
    """The Island Gazette serves its ferry report's page (the other outlets' pages answer 404)."""
    body = GAZETTE_PAGE.replace("http://127.0.0.1:PORT", feed_server.base)
    feed_server.set("/gazette/battery-ferries.html", body=body, content_type="text/html; charset=utf-8")


def wait_passes():
    """The wait ends: the decision times move into the past, rather than the clock on."""
    WireItem.objects.filter(decide_at__isnull=False).update(decide_at=F("decide_at") - timedelta(minutes=WAIT_MINUTES))


def fresh(*items):
    for item in items:
        item.refresh_from_db()
    return items if len(items) > 1 else items[0]


def test_nothing_is_published_before_the_wait_ends(best_rule, outlets, editor):
    original = outlets("original")[FERRIES]
    report = outlets("reporter")[FERRIES_REPORT]
    original, report = fresh(original, report)

    for item in (original, report):
        assert item.status == WireItem.Status.NEW and item.article is None
        assert item.status_reason.startswith("Waiting until ")
        assert "for other outlets' reports; the best is published (Rule: Publish automatically" in item.status_reason
    # The first report started the wait; the second is decided with it.
    assert original.decide_at == report.decide_at
    wait = original.decide_at - original.fetched_at
    assert timedelta(minutes=WAIT_MINUTES) < wait < timedelta(minutes=WAIT_MINUTES + 1)

    assert decide_best_reports.call() == {}
    assert not ArticlePage.objects.filter(source_name__in=["Coastline Wire", "Island Gazette"]).exists()
    assert all(item.status == WireItem.Status.NEW for item in fresh(original, report))
    page = editor.get(f"/admin/wire/items/{report.pk}/").content.decode()
    assert "Waiting until" in page


def test_the_best_of_three_reports_is_published_and_the_others_held(best_rule, outlets, gazette_page, editor):
    original = outlets("original")[FERRIES]
    copy = outlets("copier")[FERRIES_COPY]
    report = outlets("reporter")[FERRIES_REPORT]
    assert fresh(report).from_feed_only is False and report.image_url  # read from the Gazette's own page

    wait_passes()
    outcome = decide_best_reports.call()

    original, copy, report = fresh(original, copy, report)
    assert report.status == WireItem.Status.PUBLISHED and report.article.live
    assert report.decide_at is None
    assert "the best of 3 reports, scoring" in report.status_reason and "a lead image" in report.status_reason
    for held in (original, copy):
        assert held.status == WireItem.Status.HELD and held.article is None and held.decide_at is None
        assert held.status_reason.startswith(
            f"Same story as “{FERRIES_REPORT}” (Island Gazette), published as the best report, scoring "
        )
        assert "; this one scored " in held.status_reason and "halved as the feed's text only" in held.status_reason
    assert "a copy of another outlet's story" in copy.status_reason
    assert "a copy of another outlet's story" not in original.status_reason
    # One story on the site for the three reports, plus the two outlets' stories nobody else told.
    assert ArticlePage.objects.filter(title__in=[FERRIES, FERRIES_COPY, FERRIES_REPORT]).count() == 1
    assert outcome["published"] == 3
    # The desk shows why a report was held, scores included.
    page = editor.get(f"/admin/wire/items/{original.pk}/").content.decode()
    assert html.escape(original.status_reason) in page

    assert decide_best_reports.call() == {}  # decided once


def test_a_story_told_by_one_outlet_alone_is_published_after_the_wait(best_rule, outlets):
    reporter = outlets("reporter")
    choir = fresh(reporter[CHOIR])
    assert choir.status == WireItem.Status.NEW and choir.decide_at is not None

    assert decide_best_reports.call() == {}
    assert fresh(choir).status == WireItem.Status.NEW

    wait_passes()
    assert decide_best_reports.call() == {"published": 2}

    for item in fresh(choir, reporter[FERRIES_REPORT]):
        assert item.status == WireItem.Status.PUBLISHED and item.article.live
        assert item.status_reason.endswith("; no other outlet reported the story in the wait")


def test_a_report_already_live_by_hand_means_none_is_published(best_rule, outlets, editor):
    original = outlets("original")[FERRIES]
    report = outlets("reporter")[FERRIES_REPORT]
    # An editor does not wait: the Gazette's report goes out from the desk.
    editor.post("/admin/wire/act/", {"action": "publish", "items": [report.pk]})
    assert fresh(report).article.live
    assert fresh(report).decide_at is None  # its wait ended with the editor's choice, not at the next run

    wait_passes()
    decide_best_reports.call()

    original, report = fresh(original, report)
    assert original.status == WireItem.Status.HELD and original.article is None
    assert original.status_reason.startswith(
        f"Same story as “{FERRIES_REPORT}” (Island Gazette), already published; not published by rule:"
    )
    assert ArticlePage.objects.filter(title__in=[FERRIES, FERRIES_REPORT]).count() == 1
    assert report.decide_at is None  # the wait of a story published by hand is over


def test_a_late_report_after_the_decision_is_held_at_once(best_rule, outlets):
    original = outlets("original")[FERRIES]
    wait_passes()
    assert decide_best_reports.call() == {"published": 1}
    assert fresh(original).article.live

    reporter = outlets("reporter")

    late = fresh(reporter[FERRIES_REPORT])
    assert late.status == WireItem.Status.HELD and late.decide_at is None
    assert late.status_reason.startswith(f"Same story as “{FERRIES}” (Coastline Wire), already published")
    assert fresh(reporter[CHOIR]).status == WireItem.Status.NEW  # its own story waits its turn
    wait_passes()
    assert decide_best_reports.call() == {"published": 1}
    assert ArticlePage.objects.filter(title__in=[FERRIES, FERRIES_REPORT]).count() == 1


def test_a_rule_switched_off_during_the_wait_publishes_nothing(best_rule, outlets, editor):
    reporter = outlets("reporter")
    form = {key: value for key, value in RULE_FORM.items() if key != "enabled"}
    assert editor.post(f"/admin/wire_rules/edit/{best_rule.pk}/", form).status_code == 302

    wait_passes()
    assert decide_best_reports.call() == {"ended": 2}

    # The rules decide them as they are now: no rule matches, so they wait for an editor, as any such item
    # does (held when the desk is unsure of their section).
    for item in fresh(reporter[CHOIR], reporter[FERRIES_REPORT]):
        assert item.article is None and item.decide_at is None
        if item.status == WireItem.Status.HELD:
            assert item.status_reason.startswith("Section uncertain")
        else:
            assert item.status == WireItem.Status.NEW
            assert "no rule publishing only the best matches it now" in item.status_reason


def test_a_failure_publishing_one_story_is_kept_on_it_and_the_others_go_on(best_rule, outlets, monkeypatch):
    from newsdesk.wire import rules

    original = outlets("original")[FERRIES]
    copier = outlets("copier")
    real_publish = rules.publish_item

    def publish(item, **kwargs):
        if item.title == LIGHTHOUSE:
            raise RuntimeError("the section is gone")
        return real_publish(item, **kwargs)

    monkeypatch.setattr(rules, "publish_item", publish)
    wait_passes()
    outcome = decide_best_reports.call()

    assert outcome == {"published": 1, "failed": 1}
    lighthouse = fresh(copier[LIGHTHOUSE])
    assert lighthouse.status == WireItem.Status.NEW and lighthouse.article is None
    assert lighthouse.error == "RuntimeError: the section is gone" and lighthouse.attempts == 1
    assert lighthouse.status_reason.startswith("Publishing it as the best report failed (RuntimeError")
    assert lighthouse.decide_at > timezone.now() + timedelta(minutes=10)  # tried again later
    assert fresh(original).article.live and fresh(copier[FERRIES_COPY]).status == WireItem.Status.HELD

    monkeypatch.setattr(rules, "publish_item", real_publish)
    WireItem.objects.filter(pk=lighthouse.pk).update(decide_at=F("decide_at") - timedelta(days=1))
    assert decide_best_reports.call() == {"published": 1}
    lighthouse = fresh(lighthouse)
    assert lighthouse.article.live and lighthouse.error == "" and lighthouse.attempts == 0


def test_the_score_is_words_with_diminishing_returns_an_image_and_the_outlets_own_page():
    from newsdesk.wire.rules import report_score

    def score(words, **fields):
        return report_score(WireItem(text="word " * words, **fields.pop("item", {})), **fields)

    assert (score(800).points, score(1_600).points, score(3_200).points) == (800, 1_000, 1_200)
    assert str(score(300, item={"image_url": "https://example.org/a.jpg"})) == "400 (300 words, a lead image)"
    assert str(score(300, item={"from_feed_only": True}, is_copy=True)) == (
        "75 (300 words, halved as the feed's text only and again as a copy of another outlet's story)"
    )


# --- two workers deciding at once, on a real database ------------------------

REPORTS = 3


def in_child_deciding_runs_race(threads, round_number):
    """Run in a race process: one story in three outlets' reports and one told alone, all due; runs start at once."""
    from newsdesk.copies.models import Cluster, Fingerprint
    from newsdesk.stories.homepage import ensure_home_page
    from newsdesk.stories.models import Author, HomePage, SectionPage
    from newsdesk.wire.models import Source
    from tests.racing import race

    ensure_home_page()
    section = HomePage.objects.first().add_child(
        instance=SectionPage(title=f"Best race {round_number}", slug=f"best-race-{round_number}")
    )
    cluster = Cluster.objects.create()
    due = timezone.now() - timedelta(seconds=1)
    items, sources = [], []
    for number in range(REPORTS + 1):
        source = Source.objects.create(name=f"Race outlet {round_number} {number}", section=section,
                                       url=f"http://127.0.0.1/best-{round_number}-{number}.xml")
        # Rules of these sources only: the race database is shared with other tests.
        Rule.objects.create(source=source, action=Rule.Action.PUBLISH, cluster_policy=Rule.ClusterPolicy.BEST)
        sources.append(source.pk)
        alone = number == REPORTS
        # Each outlet's report a little longer than the one before: the last is the best.
        text = "Harbour council approves the new breakwater for the fishing fleet. " * (10 + 5 * number)
        item = WireItem.objects.create(
            source=source, identity=f"best-{round_number}-{number}", url=f"http://127.0.0.1/{round_number}/{number}",
            title=f"Alone {round_number}" if alone else f"Breakwater story {round_number} from outlet {number}",
            text=text, html=f"<p>{text}</p>", section=section, decide_at=due,
            status_reason="Waiting for other outlets' reports",
        )
        Fingerprint.objects.create(wire_item=item, signature=b"", shingle_count=0,
                                   cluster=None if alone else cluster)
        items.append(item.pk)

    try:
        outcomes = race(threads, lambda number: decide_best_reports.call())
        rows = WireItem.objects.filter(pk__in=items).order_by("pk")
        return {
            "outcomes": outcomes,
            "statuses": [row.status for row in rows],
            "articles": ArticlePage.objects.filter(pk__in=[row.article_id for row in rows if row.article_id]).count(),
            "live": ArticlePage.objects.filter(source_name__startswith=f"Race outlet {round_number} ",
                                               live=True).count(),
            "waiting": rows.filter(decide_at__isnull=False).count(),
        }
    finally:
        # The race database is shared with other modules' races, which count clusters and stories.
        Source.objects.filter(pk__in=sources).delete()
        cluster.delete()
        SectionPage.objects.get(pk=section.pk).delete()
        Author.objects.filter(slug__startswith=f"race-outlet-{round_number}-").delete()


@pytest.fixture(params=BACKENDS)
def race_database(request, tmp_path_factory):
    return prepared_database(request.param, request, tmp_path_factory)


@pytest.mark.django_db(False)
def test_workers_deciding_at_once_publish_one_story_of_each(race_database, request):
    """Four workers decide the same due stories at the same moment: each story is published once, by one of them."""
    result = race_database.run("tests.copies.test_best_report:in_child_deciding_runs_race", threads=4,
                               round_number=request.node.callspec.id)
    # The longest report (the last outlet's) is the best; the story told alone is published as it is.
    assert result["statuses"] == ["held"] * (REPORTS - 1) + ["published", "published"]
    assert result["articles"] == result["live"] == 2
    assert result["waiting"] == 0
    published = sum(outcome.get("published", 0) for outcome in result["outcomes"])
    assert published == 2, result["outcomes"]


def test_holding_a_waiting_report_from_the_desk_ends_its_wait(best_rule, outlets, editor):
    report = outlets("reporter")[FERRIES_REPORT]
    assert fresh(report).decide_at is not None

    editor.post("/admin/wire/act/", {"action": "hold", "items": [report.pk]})

    report = fresh(report)
    assert report.status == WireItem.Status.HELD and report.decide_at is None
