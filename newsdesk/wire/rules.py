"""Rules: decide what happens to a new wire item (publish, hold, discard)."""

import logging
import re

import regex

from newsdesk.copies.linking import published_original
from newsdesk.copies.reports import published_report

from .limits import clip
from .models import Rule, WireItem
from .publishing import publish_item

logger = logging.getLogger(__name__)

# An editor's pattern runs over every incoming story; a pattern such as
# (a+)+$ can take longer than the age of the universe on some texts. A
# well-written pattern matches a long story in milliseconds, so a quarter
# of a second is ample, and a worker stuck on a bad one loses no more than
# that per item.
PATTERN_TIMEOUT_SECONDS = 0.25

STATUS_REASON_CHARS = WireItem._meta.get_field("status_reason").max_length


class PatternTimeout(Exception):
    """A rule's pattern ran out of time on one story."""


def rules_for(source):
    """The source's own rules first, then the global ones, each in position order."""
    own = list(Rule.objects.filter(source=source, enabled=True).select_related("section"))
    shared = list(Rule.objects.filter(source__isnull=True, enabled=True).select_related("section"))
    return own + shared


def matches(rule, title, text):
    """Whether `rule` matches the story; PatternTimeout when its pattern runs out of time."""
    haystack = f"{title}\n{text}"
    if rule.words:
        # Escaped literal words: linear time, no limit needed.
        words = [word.strip() for word in rule.words.split(",") if word.strip()]
        if not any(re.search(rf"\b{re.escape(word)}\b", haystack, re.IGNORECASE) for word in words):
            return False
    if rule.pattern:
        try:
            if not regex.search(rule.pattern, haystack, regex.IGNORECASE, timeout=PATTERN_TIMEOUT_SECONDS):
                return False
        except TimeoutError:
            raise PatternTimeout(
                f"The pattern of rule “{rule}” took over {PATTERN_TIMEOUT_SECONDS:g} s on this story "
                "and was treated as no match"
            ) from None
        except regex.error:
            # Rule.clean() refuses bad patterns; one saved before that, or
            # by code, must not stop the desk.
            logger.warning("Skipping rule %s: invalid pattern %r", rule.pk, rule.pattern)
            return False
    return True


def first_matching_rule(source, title, text, problems=None):
    """The first rule that matches; the reasons for rules that timed out are added to `problems`."""
    for rule in rules_for(source):
        try:
            if matches(rule, title, text):
                return rule
        except PatternTimeout as timeout:
            logger.warning("Rule %s: %s", rule.pk, timeout)
            if problems is not None:
                problems.append(str(timeout))
    return None


def apply_rules(item):
    """Let the first matching rule publish, hold or discard a new item.

    A rule whose pattern timed out counts as not matching; the item's
    status reason says so, so an editor sees why a rule did not fire.
    """
    if item.status != WireItem.Status.NEW:
        return
    problems = []
    rule = first_matching_rule(item.source, item.title, item.text, problems)
    notes = f" ({'; '.join(problems)})" if problems else ""
    if rule is None:
        if problems:
            item.status_reason = clip("; ".join(problems), STATUS_REASON_CHARS)
            item.save(update_fields=["status_reason"])
        return
    reason = clip(f"Rule: {rule}{notes}", STATUS_REASON_CHARS)
    original = published_original(item) if rule.action == rule.Action.PUBLISH else None
    if original is not None:
        # The site already carries this story: a second copy would publish it twice.
        hold_instead(item, f"Copy of “{original.story_title()}” ({original.source_name() or 'our site'})", reason)
        return
    first = published_report(item) if (
        rule.action == rule.Action.PUBLISH and rule.cluster_policy == rule.ClusterPolicy.FIRST
    ) else None
    if first is not None:
        # The rule publishes one report of each story: the first to arrive.
        hold_instead(item, f"Same story as “{first.title}” ({first.source.name})", reason)
        return
    if rule.action == rule.Action.PUBLISH:
        item.status_reason = reason
        publish_item(item, section=rule.section or item.section)
    else:
        item.status = WireItem.Status.HELD if rule.action == rule.Action.HOLD else WireItem.Status.DISCARDED
        item.status_reason = reason
        item.save(update_fields=["status", "status_reason"])


def hold_instead(item, published, reason):
    """Hold an item a publishing rule matched, because `published` (what the site already carries) tells its story."""
    item.status = WireItem.Status.HELD
    item.status_reason = clip(
        f"{published}, already published; not published by {reason[0].lower()}{reason[1:]}", STATUS_REASON_CHARS
    )
    item.save(update_fields=["status", "status_reason"])
