"""Rules: decide what happens to a new wire item (publish, hold, discard)."""

import logging
import re

from .models import Rule

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
