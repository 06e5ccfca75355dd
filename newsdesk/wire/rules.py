"""Rules: decide what happens to a new wire item (publish, hold, discard)."""

import logging
import re

from .models import Rule, WireItem
from .publishing import publish_item

logger = logging.getLogger(__name__)


def rules_for(source):
    """The source's own rules first, then the global ones, each in position order."""
    own = list(Rule.objects.filter(source=source, enabled=True).select_related("section"))
    shared = list(Rule.objects.filter(source__isnull=True, enabled=True).select_related("section"))
    return own + shared


def matches(rule, title, text):
    haystack = f"{title}\n{text}"
    if rule.words:
        words = [word.strip() for word in rule.words.split(",") if word.strip()]
        if not any(re.search(rf"\b{re.escape(word)}\b", haystack, re.IGNORECASE) for word in words):
            return False
    if rule.pattern:
        try:
            if not re.search(rule.pattern, haystack, re.IGNORECASE):
                return False
        except re.error:
            # Rule.clean() refuses bad patterns; one saved before that, or
            # by code, must not stop the desk.
            logger.warning("Skipping rule %s: invalid pattern %r", rule.pk, rule.pattern)
            return False
    return True


def first_matching_rule(source, title, text):
    for rule in rules_for(source):
        if matches(rule, title, text):
            return rule
    return None


def apply_rules(item):
    """Let the first matching rule publish, hold or discard a new item."""
    if item.status != WireItem.Status.NEW:
        return
    rule = first_matching_rule(item.source, item.title, item.text)
    if rule is None:
        return
    reason = f"Rule: {rule}"
    if rule.action == rule.Action.PUBLISH:
        item.status_reason = reason
        publish_item(item, section=rule.section or item.section)
    else:
        item.status = WireItem.Status.HELD if rule.action == rule.Action.HOLD else WireItem.Status.DISCARDED
        item.status_reason = reason
        item.save(update_fields=["status", "status_reason"])
