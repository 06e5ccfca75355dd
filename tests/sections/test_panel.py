"""The story editor's section panel, and the JSON view it calls."""

import json

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client


ADMIN_PASSWORD = "correct-horse-battery"  # tests/conftest.py site_environment
SPORTS_HEADLINE = "Port Alder Athletic beat Sunder Bay United to go top of the Meridian Premier League"


@pytest.mark.django_db
def test_the_view_answers_an_editor_with_three_suggestions(editor):
    response = editor.post(
        "/admin/sections/suggest/", json.dumps({"title": SPORTS_HEADLINE, "text": ""}), content_type="application/json"
    )

    answer = response.json()
    assert response.status_code == 200 and answer["method"] == "descriptions"
    assert [s["title"] for s in answer["suggestions"]][0] == "Sports" and len(answer["suggestions"]) == 3


@pytest.mark.django_db
def test_the_view_refuses_a_request_without_the_csrf_token(django_user_model):
    user = django_user_model.objects.create_superuser("csrf-editor", "csrf@example.org", "unused-password-1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/admin/sections/suggest/", "{}", content_type="application/json")

    assert response.status_code == 403


@pytest.mark.django_db
def test_the_view_refuses_someone_who_may_not_write_stories(client):
    """Admin access alone (no page permission in any section) is not enough."""
    user = get_user_model().objects.create_user("reader", "reader@example.org", "unused-password-1")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)

    response = client.post("/admin/sections/suggest/", "{}", content_type="application/json")

    assert response.status_code == 403
    assert client.get("/admin/sections/suggest/").status_code == 405


@pytest.mark.browser
def test_the_editor_suggests_a_section_as_the_writer_types(page, running_site):  # noqa: F811
    page.goto(running_site + "/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(running_site + "/admin/")
    story = httpx.get(running_site + "/api/v1/stories/", params={"section": "business"}).json()["results"][0]

    # An existing business story: the panel asks as the editor opens, and agrees.
    page.goto(f"{running_site}/admin/pages/{story['id']}/edit/")
    panel = page.locator("[data-section-suggestions]")
    suggestions = panel.locator(".section-suggestions__list li")
    suggestions.nth(2).wait_for()
    assert suggestions.count() == 3 and "%" in suggestions.first.inner_text()
    business_id = panel.get_attribute("data-current")

    # A new story in Business that reads like sport: the panel says so while it is typed.
    page.goto(f"{running_site}/admin/pages/add/stories/articlepage/{business_id}/")
    page.locator("#id_title").press_sequentially(SPORTS_HEADLINE, delay=5)
    advice = panel.locator(".section-suggestions__advice")
    advice.wait_for(state="visible")
    assert suggestions.first.inner_text().startswith("Sports")
    assert "reads like Sports" in advice.inner_text()
