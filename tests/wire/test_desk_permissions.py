"""The wire desk's actions keep to Wagtail's page permissions and review workflow.

Each role of the newsroom (newsroom/roles.py) is given the desk's own
permissions here, so what differs between them is only what they may do
to pages: publish, submit for review, or nothing.
"""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.messages import get_messages
from wagtail.models import GroupPagePermission, WorkflowState

from newsdesk.newsroom.roles import ADMINISTRATOR, CONTRIBUTOR, EDITOR, REPORTER
from newsdesk.stories.models import ArticlePage, SectionPage
from newsdesk.wire.models import Rule, Source, WireItem

pytestmark = pytest.mark.django_db

DESK_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("wire", "view_wireitem"),
    ("wire", "change_wireitem"),
]


def desk_user(client, name, *roles):
    """A logged-in user in `roles` who may also work the wire desk."""
    user = User.objects.create_user(name, password="x")
    user.groups.add(*Group.objects.filter(name__in=roles))
    for app_label, codename in DESK_PERMISSIONS:
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    client.force_login(user)
    return user



def make_item(source, title):
    return WireItem.objects.create(
        source=source,
        title=title,
        identity=f"urn:{title}",
        url=f"https://example.org/{title.replace(' ', '-')}",
        html="<p>The harbour authority opened the new ferry terminal on Monday.</p>",
        text="The harbour authority opened the new ferry terminal on Monday.",
        section=source.section,
    )


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def in_review(article):
    return WorkflowState.objects.active().filter(object_id=str(article.pk)).exists()


@pytest.mark.parametrize("role", [REPORTER, EDITOR, ADMINISTRATOR])
def test_roles_that_may_publish_publish_live(client, source, role):
    """Reporters, Editors and Administrators publish a wire item straight to the site."""
    user = desk_user(client, f"desk-{role.lower()}", role)
    item = make_item(source, f"Ferry terminal opens for {role}")
    response = client.post("/admin/wire/act/", {"action": "publish", "items": [item.pk]})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == WireItem.Status.PUBLISHED
    assert item.article.live and not in_review(item.article)
    assert item.article.owner == user
    assert "Published 1 item." in messages_of(response)


def test_a_contributor_submits_for_review_instead(client, source):
    """A Contributor's Publish makes a draft and submits it to the Editorial review workflow."""
    desk_user(client, "desk-contributor", CONTRIBUTOR)
    item = make_item(source, "Ferry terminal opens for review")
    response = client.post("/admin/wire/act/", {"action": "publish", "items": [item.pk]})
    item.refresh_from_db()
    article = item.article
    assert not article.live and article.get_parent().specific == source.section
    assert in_review(article)
    assert article.current_workflow_state.workflow.name == "Editorial review"
    assert item.status == WireItem.Status.HELD and "In review" in item.status_reason
    assert any("Submitted 1 item for review" in message for message in messages_of(response))
    queue = client.get("/admin/wire/").content.decode()
    assert ">In review</span>" in queue


def test_an_editor_approving_the_submission_publishes_it(client, source):
    """Once an editor approves the submitted story, it is live and the desk shows it published."""
    desk_user(client, "desk-contributor", CONTRIBUTOR)
    item = make_item(source, "Ferry terminal approved")
    client.post("/admin/wire/act/", {"action": "publish", "items": [item.pk]})
    item.refresh_from_db()
    editor = desk_user(client, "desk-approver", EDITOR)
    item.article.current_workflow_state.current_task_state.approve(user=editor)
    item.refresh_from_db()
    assert item.article.live
    assert ">Published</span>" in client.get("/admin/wire/", {"q": "approved"}).content.decode()


def test_a_desk_user_without_page_permissions_is_refused(client, source):
    """Desk access alone creates nothing: publish, open in the editor, hold and discard are refused."""
    desk_user(client, "desk-only")
    item = make_item(source, "Ferry terminal refused")
    for action in ["publish", "edit", "hold", "discard"]:
        response = client.post("/admin/wire/act/", {"action": action, "items": [item.pk]})
        assert response.status_code == 302 and response["Location"] == "/admin/wire/"
        assert "Not done for 1 item: you may not add stories to World." in messages_of(response)
    item.refresh_from_db()
    assert item.status == WireItem.Status.NEW and item.article is None
    assert not ArticlePage.objects.filter(title="Ferry terminal refused").exists()


def test_a_contributor_without_desk_access_is_refused(client, source):
    """The page permissions do not replace the desk's own: a plain Contributor cannot act."""
    user = User.objects.create_user("writer-only", password="x")
    user.groups.add(Group.objects.get(name=CONTRIBUTOR))
    client.force_login(user)
    item = make_item(source, "Ferry terminal not for writers")
    assert client.post("/admin/wire/act/", {"action": "publish", "items": [item.pk]}).status_code in (302, 403)
    assert not ArticlePage.objects.filter(title="Ferry terminal not for writers").exists()


def business_desk_user(client):
    """A desk user who may add and publish in Business only."""
    group = Group.objects.create(name="Business desk")
    for kind in ["add", "publish"]:
        GroupPagePermission.objects.create(
            group=group,
            page=SectionPage.objects.get(slug="business"),
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=f"{kind}_page"),
        )
    return desk_user(client, "business-desk", "Business desk")


def test_permissions_are_per_section(client, source):
    """Someone who may publish only in Business is refused in World and publishes in Business."""
    business_desk_user(client)
    item = make_item(source, "Ferry fares rise")
    client.post("/admin/wire/act/", {"action": "publish", "items": [item.pk]})
    item.refresh_from_db()
    assert item.article is None
    business = SectionPage.objects.get(slug="business")
    client.post("/admin/wire/act/", {"action": "publish", "items": [item.pk], "section": business.pk})
    item.refresh_from_db()
    assert item.article.live and item.article.get_parent().pk == business.pk


def test_a_bulk_publish_acts_on_the_permitted_items_only(client, source):
    """Of several items, those in sections the user may not add to are left as they were."""
    business_desk_user(client)
    world_item = make_item(source, "Harbour strike ends")
    business_item = make_item(source, "Port revenue climbs")
    business_item.section = SectionPage.objects.get(slug="business")
    business_item.save()
    response = client.post("/admin/wire/act/", {"action": "publish", "items": [world_item.pk, business_item.pk]})
    world_item.refresh_from_db()
    business_item.refresh_from_db()
    assert world_item.article is None and business_item.article.live
    assert "Published 1 item." in messages_of(response)
    assert "Not done for 1 item: you may not add stories to World." in messages_of(response)


def test_the_desk_offers_only_sections_the_user_may_add_to(client, source):
    """The Publish into list holds the sections the user may add to; the preview names the refusal."""
    business_desk_user(client)
    item = make_item(source, "Ferry timetable")
    queue = client.get("/admin/wire/").content.decode()
    start = queue.index('id="wire-bulk-section"')
    publish_into = queue[start : queue.index("</select>", start)]
    assert ">Business</option>" in publish_into and ">World</option>" not in publish_into
    preview = client.get(f"/admin/wire/items/{item.pk}/").content.decode()
    assert "You may not add stories to World" in preview and 'value="publish"' not in preview


def test_the_preview_says_submit_for_review_to_a_contributor(client, source):
    """An item's page tells a Contributor the story goes to review, not live."""
    desk_user(client, "desk-contributor", CONTRIBUTOR)
    item = make_item(source, "Ferry timetable draft")
    preview = client.get(f"/admin/wire/items/{item.pk}/").content.decode()
    assert "Submit for review" in preview and "Publish now" not in preview


def test_open_in_the_editor_gives_a_contributor_their_own_draft(client, source):
    """A Contributor opening an item gets a draft they own, not submitted, in Wagtail's editor."""
    user = desk_user(client, "desk-contributor", CONTRIBUTOR)
    item = make_item(source, "Ferry draft to edit")
    response = client.post("/admin/wire/act/", {"action": "edit", "items": [item.pk]})
    item.refresh_from_db()
    assert response["Location"] == f"/admin/pages/{item.article.pk}/edit/"
    assert not item.article.live and item.article.owner == user and not in_review(item.article)
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("https://evil.example/phish", "/admin/wire/"),
        ("//evil.example/phish", "/admin/wire/"),
        ("javascript:alert(1)", "/admin/wire/"),
        ("", "/admin/wire/"),
        ("/admin/wire/?status=held", "/admin/wire/?status=held"),
        ("http://testserver/admin/wire/health/", "http://testserver/admin/wire/health/"),
    ],
)
def test_next_must_be_an_address_on_this_site(client, source, next_url, expected):
    """After an action the desk returns to `next` only on this site; anything else goes to the queue."""
    desk_user(client, "desk-editor", EDITOR)
    item = make_item(source, "Ferry hold")
    response = client.post("/admin/wire/act/", {"action": "hold", "items": [item.pk], "next": next_url})
    assert response["Location"] == expected


def test_next_over_plain_http_is_refused_on_a_secure_request(client, source):
    """On an HTTPS request, a `next` that would drop to plain HTTP falls back to the queue."""
    desk_user(client, "desk-editor", EDITOR)
    item = make_item(source, "Ferry hold secure")
    response = client.post(
        "/admin/wire/act/",
        {"action": "hold", "items": [item.pk], "next": "http://testserver/admin/wire/health/"},
        secure=True,
    )
    assert response["Location"] == "/admin/wire/"


def rule_form(section=None):
    return {
        "source": "",
        "action": Rule.Action.PUBLISH,
        "words": "ferry",
        "pattern": "",
        "section": section.pk if section else "",
        "cluster_policy": Rule.ClusterPolicy.ALL,
        "position": 0,
        "enabled": "on",
    }


def test_a_publish_rule_needs_publish_permission_in_its_section(client):
    """A rule that publishes acts without review, so only those who may publish there can write one."""
    user = desk_user(client, "rule-writer", CONTRIBUTOR)
    for codename in ["add_rule", "view_rule"]:
        user.user_permissions.add(Permission.objects.get(content_type__app_label="wire", codename=codename))
    world = SectionPage.objects.get(slug="world")
    response = client.post("/admin/wire_rules/new/", rule_form(world))
    assert response.status_code == 200 and "You may not publish in World" in response.content.decode()
    response = client.post("/admin/wire_rules/new/", rule_form())
    assert response.status_code == 200 and "You may not publish in" in response.content.decode()
    assert not Rule.objects.exists()

    desk_user(client, "rule-editor", EDITOR)
    assert client.post("/admin/wire_rules/new/", rule_form(world)).status_code == 302
    assert Rule.objects.filter(section=world, action=Rule.Action.PUBLISH).exists()
