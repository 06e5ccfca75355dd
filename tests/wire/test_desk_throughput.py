"""Throughput on the desk's health page: items per second, what is waiting, publication to desk."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from newsdesk.newsroom.roles import EDITOR
from newsdesk.wire.models import Source, WireItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = User.objects.create_user("throughput-editor", password="x")
    user.groups.add(Group.objects.get(name=EDITOR))
    client.force_login(user)
    return user


def arrived(source, name, minutes_ago, delay_minutes=None, status=WireItem.Status.NEW):
    """An item that reached the desk `minutes_ago`, published `delay_minutes` before that."""
    fetched = timezone.now() - timedelta(minutes=minutes_ago)
    published = fetched - timedelta(minutes=delay_minutes) if delay_minutes is not None else None
    return WireItem.objects.create(
        source=source, identity=f"urn:{name}", url=f"https://example.org/{name}", title=name, html="<p>Text.</p>",
        status=status, fetched_at=fetched, published_at=published,
    )


def row_of(html, name):
    start = html.index(f">{name}</a>")
    return html[start:html.index("</tr>", start)]


def test_health_page_shows_throughput_overall_and_per_source(client, editor):
    now = timezone.now()
    harbour = Source.objects.create(name="Harbour Wire", url="http://127.0.0.1:9/h.xml", next_poll_at=now + timedelta(minutes=5))
    valley = Source.objects.create(name="Valley Times", url="http://127.0.0.1:9/v.xml",
                                   next_poll_at=now - timedelta(minutes=20))
    # Harbour: 3 items in the last hour, 2 and 4 and 30 minutes after publication; one held.
    arrived(harbour, "h1", 10, delay_minutes=2)
    arrived(harbour, "h2", 20, delay_minutes=4, status=WireItem.Status.HELD)
    arrived(harbour, "h3", 30, delay_minutes=30, status=WireItem.Status.PUBLISHED)
    # Valley: one item three hours ago, published a day before; none in the last hour.
    arrived(valley, "v1", 180, delay_minutes=24 * 60)

    html = client.get("/admin/wire/health/").content.decode()

    assert "Items in the last hour</dt><dd>3 (0.00 items/s)" in html
    assert "Sources due for a poll</dt><dd>1 (the most overdue 20 min late)" in html
    assert "Items waiting in the desk's queue</dt><dd>3 (2 new, 1 held)" in html
    assert "median 4 min, 9 in 10 within 24.0 h (4 items with a publication time)" in html
    harbour_row = row_of(html, "Harbour Wire")
    assert "<td>2 <small>(1 held)</small></td>" in harbour_row
    assert "4 min <small>(9 in 10 within 30 min)</small>" in harbour_row
    valley_row = row_of(html, "Valley Times")
    assert "<td>0.00</td>" in valley_row and "24.0 h" in valley_row


def test_items_per_second_counts_the_last_hour_only(client, editor):
    source = Source.objects.create(name="Busy Wire", url="http://127.0.0.1:9/b.xml")
    for number in range(36):
        arrived(source, f"recent-{number}", 5)
    arrived(source, "old", 90)
    html = client.get("/admin/wire/health/").content.decode()
    assert "Items in the last hour</dt><dd>36 (0.01 items/s)" in html
    assert "<td>0.01</td>" in row_of(html, "Busy Wire")
