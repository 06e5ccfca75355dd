"""Rules decide what happens to a new item: source rules first, then global ones."""

import pytest
from django.core.exceptions import ValidationError

from newsdesk.stories.models import SectionPage
from newsdesk.wire.models import Rule, Source, WireItem
from newsdesk.wire.rules import apply_rules

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    return Source.objects.create(name="Rules Wire", url="http://127.0.0.1:9/rules.xml",
                                 section=SectionPage.objects.get(slug="world"))


def new_item(source, title, text="Plain text of the story."):
    return WireItem.objects.create(source=source, identity=title, url="https://example.org/x", title=title,
                                   html=f"<p>{text}</p>", text=text, section=source.section)


def test_no_rule_leaves_the_item_new(source):
    item = new_item(source, "Quiet day at the port")
    apply_rules(item)
    assert item.status == WireItem.Status.NEW


def test_discard_by_words_matches_whole_words_in_title_or_text(source):
    Rule.objects.create(source=source, action=Rule.Action.DISCARD, words="horoscope, sponsored")
    kept = new_item(source, "Sponsors return to the festival")
    dropped = new_item(source, "Today", text="A sponsored message from our partners.")
    apply_rules(kept)
    apply_rules(dropped)
    assert kept.status == WireItem.Status.NEW
    assert dropped.status == WireItem.Status.DISCARDED and "Discard" in dropped.status_reason


def test_hold_by_regular_expression(source):
    Rule.objects.create(action=Rule.Action.HOLD, pattern=r"\bbreaking\b|^live:")
    item = new_item(source, "LIVE: storm reaches the coast")
    apply_rules(item)
    assert item.status == WireItem.Status.HELD


def test_source_rules_come_before_global_rules(source):
    Rule.objects.create(action=Rule.Action.DISCARD, words="ferry")
    Rule.objects.create(source=source, action=Rule.Action.HOLD, words="ferry")
    item = new_item(source, "Ferry strike called off")
    apply_rules(item)
    assert item.status == WireItem.Status.HELD


def test_auto_publish_into_a_section(source):
    business = SectionPage.objects.get(slug="business")
    Rule.objects.create(source=source, action=Rule.Action.PUBLISH, section=business)
    item = new_item(source, "Port traffic up five percent")
    apply_rules(item)
    item.refresh_from_db()
    assert item.status == WireItem.Status.PUBLISHED
    assert item.article.live and item.article.get_parent().pk == business.pk
    assert item.article.specific.source_name == "Rules Wire"


def test_an_invalid_pattern_is_refused_and_never_crashes(source):
    rule = Rule(action=Rule.Action.DISCARD, pattern="([unclosed")
    with pytest.raises(ValidationError):
        rule.full_clean()
    rule.save()  # saved past validation, e.g. by a script
    item = new_item(source, "Anything")
    apply_rules(item)
    assert item.status == WireItem.Status.NEW


def test_a_pattern_that_runs_too_long_counts_as_no_match_and_says_so(source):
    """Catastrophic backtracking is cut off: the item stays new, and its reason names the rule."""
    Rule.objects.create(source=source, action=Rule.Action.DISCARD, pattern=r"(x+x+)+y")
    item = new_item(source, "Slow", text="x" * 5000)
    apply_rules(item)
    item.refresh_from_db()
    assert item.status == WireItem.Status.NEW
    assert "took over" in item.status_reason and "no match" in item.status_reason


def test_a_later_rule_still_decides_after_a_pattern_times_out(source):
    Rule.objects.create(source=source, action=Rule.Action.DISCARD, pattern=r"(x+x+)+y", position=0)
    Rule.objects.create(source=source, action=Rule.Action.HOLD, words="slow", position=1)
    item = new_item(source, "Slow", text="x" * 5000)
    apply_rules(item)
    assert item.status == WireItem.Status.HELD
    assert item.status_reason.startswith("Rule: Hold") and "took over" in item.status_reason


def test_patterns_are_checked_by_the_engine_that_runs_them(source):
    """Unicode properties are valid for the rules' engine, and match as it says."""
    rule = Rule(action=Rule.Action.HOLD, pattern=r"^\p{Lu}{4}:")
    rule.full_clean()
    rule.save()
    item = new_item(source, "LIVE: storm reaches the coast")
    apply_rules(item)
    assert item.status == WireItem.Status.HELD
