"""The wire desk in the admin: queue, filters, preview, actions, health."""

import pytest
from django.contrib.auth.models import Group, User

from newsdesk.newsroom.roles import CONTRIBUTOR, EDITOR
from newsdesk.stories.models import ArticlePage, SectionPage
from newsdesk.wire.models import Poll, Source, WireItem

pytestmark = pytest.mark.django_db

STORY_HTML = (
    "<p>The harbour authority opened the new ferry terminal on Monday.</p>"
    "<blockquote><p>It is the biggest change to the waterfront in a generation.</p><cite>Mayor of Port Alder</cite></blockquote>"
    "<p>Crossings to the islands will run every 20 minutes.</p>"
)


@pytest.fixture
def editor(client):
    user = User.objects.create_user("desk-editor", password="x")
    user.groups.add(Group.objects.get(name=EDITOR))
    client.force_login(user)
    return user



def make_item(source, title, status=WireItem.Status.NEW, **fields):
    values = {
        "identity": f"urn:{title}",
        "url": f"https://example.org/{title.replace(' ', '-')}",
        "html": STORY_HTML,
        "text": "The harbour authority opened the new ferry terminal.",
        "section": source.section,
        **fields,
    }
    return WireItem.objects.create(source=source, title=title, status=status, **values)


def test_queue_lists_newest_first_with_filters(client, editor, source):
    other = Source.objects.create(name="Valley Post", url="http://127.0.0.1:9/other.xml")
    make_item(source, "Ferry terminal opens")
    make_item(other, "Valley road closed", status=WireItem.Status.HELD, text="A landslip closed the valley road.")
    html = client.get("/admin/wire/").content.decode()
    assert html.index("Valley road closed") < html.index("Ferry terminal opens")
    assert "Valley road closed" not in client.get("/admin/wire/", {"source": source.pk}).content.decode()
    assert "Ferry terminal opens" not in client.get("/admin/wire/", {"status": "held"}).content.decode()
    assert "Valley road closed" not in client.get("/admin/wire/", {"q": "ferry"}).content.decode()
    assert "Ferry terminal opens" in client.get("/admin/wire/", {"section": source.section.pk}).content.decode()


def test_preview_shows_the_cleaned_story_beside_the_original(client, editor, source):
    item = make_item(source, "Ferry terminal opens")
    html = client.get(f"/admin/wire/items/{item.pk}/").content.decode()
    assert "<blockquote>" in html
    assert item.url in html


def test_publish_creates_an_attributed_article_keeping_quotes(client, editor, source):
    item = make_item(source, "Ferry terminal opens")
    response = client.post("/admin/wire/act/", {"action": "publish", "items": [item.pk]})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == WireItem.Status.PUBLISHED
    article = item.article.specific
    assert article.live and article.get_parent().specific == source.section
    assert [block.block_type for block in article.body] == ["paragraph", "quote", "paragraph"]
    assert article.body[1].value["attribution"] == "Mayor of Port Alder"
    page = client.get(article.url).content.decode()
    assert f'Originally published by <a href="{item.url}"' in page
    assert "Published by <a" in page


def test_publish_into_another_section(client, editor, source):
    item = make_item(source, "Ferry fares rise")
    business = SectionPage.objects.get(slug="business")
    client.post("/admin/wire/act/", {"action": "publish", "items": [item.pk], "section": business.pk})
    item.refresh_from_db()
    assert item.article.get_parent().pk == business.pk


def test_open_in_editor_makes_a_draft_and_opens_it(client, editor, source):
    item = make_item(source, "Ferry timetable draft")
    response = client.post("/admin/wire/act/", {"action": "edit", "items": [item.pk]})
    item.refresh_from_db()
    assert response["Location"] == f"/admin/pages/{item.article.pk}/edit/"
    assert not item.article.live


def test_bulk_hold_and_discard(client, editor, source):
    first, second = make_item(source, "One"), make_item(source, "Two")
    client.post("/admin/wire/act/", {"action": "hold", "items": [first.pk, second.pk]})
    assert set(WireItem.objects.values_list("status", flat=True)) == {"held"}
    client.post("/admin/wire/act/", {"action": "discard", "items": [first.pk]})
    first.refresh_from_db()
    assert first.status == "discarded" and "desk-editor" in first.status_reason


def test_contributors_cannot_work_the_desk(client, source):
    user = User.objects.create_user("writer", password="x")
    user.groups.add(Group.objects.get(name=CONTRIBUTOR))
    client.force_login(user)
    item = make_item(source, "Not for contributors")
    # Wagtail's admin answers a refusal with a redirect to the dashboard.
    assert client.get("/admin/wire/").status_code in (302, 403)
    assert client.post("/admin/wire/act/", {"action": "publish", "items": [item.pk]}).status_code in (302, 403)
    assert not ArticlePage.objects.filter(title="Not for contributors").exists()


def test_health_view_shows_failing_sources_and_a_chart(client, editor, source):
    source.consecutive_failures = 3
    source.last_error = "HTTP 500 Internal Server Error"
    source.save()
    make_item(source, "Counted today")
    Poll.objects.create(source=source, ok=False, error="HTTP 500 Internal Server Error")
    html = client.get("/admin/wire/health/").content.decode()
    assert "failing ×3" in html and "HTTP 500" in html
    assert "<svg" in html and "1 item" in html and "1 failed poll" in html


def test_sources_and_rules_are_managed_in_the_admin(client, editor, source):
    assert client.get("/admin/wire_sources/").status_code == 200
    assert client.get("/admin/wire_rules/new/").status_code == 200
