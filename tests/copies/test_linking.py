"""A copy on another outlet is linked to its original, shown as one on the desk, and never published twice."""

import pytest

from newsdesk.copies.models import Fingerprint
from newsdesk.stories.models import ArticlePage, SectionPage
from newsdesk.wire.blocks import body_blocks
from newsdesk.wire.models import Rule, WireItem
from newsdesk.wire.publishing import publish_item

from tests.copies.outlets import FERRIES, FERRIES_COPY, LIGHTHOUSE

pytestmark = pytest.mark.django_db


def test_a_copy_with_other_boilerplate_and_a_new_headline_is_linked_to_its_original(outlets):
    original = outlets("original")[FERRIES]
    copies = outlets("copier")

    copy = Fingerprint.objects.get(wire_item=copies[FERRIES_COPY])
    assert copy.copy_of == Fingerprint.objects.get(wire_item=original)
    assert copy.containment >= 0.5
    assert Fingerprint.objects.get(wire_item=copies[LIGHTHOUSE]).copy_of is None  # same boilerplate, other story
    assert Fingerprint.objects.get(wire_item=original).copy_of is None


def test_the_desk_shows_copy_of_the_story_and_its_source(outlets, editor):
    original = outlets("original")[FERRIES]
    copy = outlets("copier")[FERRIES_COPY]

    queue = editor.get("/admin/wire/").content.decode()
    row = queue[queue.index(f'name="items" value="{copy.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "copy of" in row and f"/admin/wire/items/{original.pk}/" in row
    assert f"{FERRIES}</a> (Coastline Wire)" in row
    preview = editor.get(f"/admin/wire/items/{copy.pk}/").content.decode()
    assert f"{FERRIES}</a> (Coastline Wire)" in preview


def test_a_publish_rule_never_publishes_a_copy_of_a_published_story(outlets):
    Rule.objects.create(action=Rule.Action.PUBLISH)

    original = outlets("original")[FERRIES]
    copier = outlets("copier")
    copy = copier[FERRIES_COPY]

    assert original.status == WireItem.Status.PUBLISHED
    assert copy.status == WireItem.Status.HELD and copy.article is None
    assert "already published" in copy.status_reason and FERRIES in copy.status_reason
    # The copier's own story is no copy: the rule publishes it.
    assert copier[LIGHTHOUSE].status == WireItem.Status.PUBLISHED
    assert ArticlePage.objects.filter(source_name__in=["Coastline Wire", "Daily Digest Online"]).count() == 2


def test_copies_of_our_published_story_are_listed_in_its_editor(outlets, editor):
    original = outlets("original")[FERRIES]
    article = publish_item(original)
    copy = outlets("copier")[FERRIES_COPY]

    page = editor.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert "Copies on other outlets" in page
    assert copy.title in page and "Daily Digest Online" in page


def test_a_copy_of_our_own_article_is_linked_to_it(outlets, django_capture_on_commit_callbacks):
    """Our own story, written on the site, is fingerprinted once published (a task) and found in a wire copy."""
    Rule.objects.create(action=Rule.Action.PUBLISH)
    world = SectionPage.objects.get(slug="world")
    article = ArticlePage(title="Electric ferries for the islands", slug="electric-ferries-ours",
                          body=body_blocks(ORIGINAL_HTML))
    world.add_child(instance=article)
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()

    copy = outlets("copier")[FERRIES_COPY]

    assert Fingerprint.objects.get(wire_item=copy).copy_of == Fingerprint.objects.get(article=article)
    assert copy.status == WireItem.Status.HELD and "already published" in copy.status_reason


ORIGINAL_HTML = """<p>Saltmarsh Ferries has ordered three battery-powered ships from the Kestrel yard to replace its
diesel fleet on the routes to Gull Island and Pennick, the company said on Monday.</p>
<p>The ships, each carrying up to 400 passengers and 60 cars, will charge at the quays in the twenty minutes they
spend loading, and should enter service one by one from the spring of 2029.</p>
<p>Chief executive Mara Linwood said the order was the largest in the company's ninety-year history and would cut its
fuel bill by two thirds. Islanders have complained for years about noise and fumes at the harbour.</p>"""
