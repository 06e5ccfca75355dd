"""Rules: decide what happens to a new wire item (publish, hold, discard), and pick the best of a story's reports.

A publish rule's cluster policy (Rule.ClusterPolicy) says what happens to
other outlets' reports of one story (newsdesk/copies/clusters.py): every one
is published, only the first, or only the best. For "best" the item waits,
new, until its `decide_at` (NEWSDESK_CLUSTER_BEST_WAIT_MINUTES after the
story's first waiting report); the periodic job "decide-best-reports"
(tasks.decide_best_reports, every minute) then calls `decide_due_reports`,
which publishes the waiting report with the highest `report_score` and holds
the others, naming the published one and both scores.
"""

import logging
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import regex
from django.db import transaction
from django.utils import timezone

from newsdesk import conf
from newsdesk.copies.linking import published_original
from newsdesk.copies.models import Cluster
from newsdesk.copies.reports import cluster_of, copies_among, live_report, published_report, waiting_reports
from newsdesk.outbound import backoff

from .limits import clip
from .models import Rule, WireItem
from .publishing import publish_item
from .writing import serialised_writes

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


def first_matching_rule(source, title, text, problems=None, rules=None):
    """The first rule that matches; the reasons for rules that timed out are added to `problems`.

    `rules` are rules_for(source), read by the caller once for many items
    (a poll reads them once for all its items); read here when not given.
    """
    for rule in rules_for(source) if rules is None else rules:
        try:
            if matches(rule, title, text):
                return rule
        except PatternTimeout as timeout:
            logger.warning("Rule %s: %s", rule.pk, timeout)
            if problems is not None:
                problems.append(str(timeout))
    return None


def apply_rules(item, rules=None):
    """Let the first matching rule publish, hold or discard a new item, or wait for the best report of its story.

    A rule whose pattern timed out counts as not matching; the item's
    status reason says so, so an editor sees why a rule did not fire.
    `rules` are rules_for(item.source) when the caller has read them.
    """
    if item.status != WireItem.Status.NEW:
        return
    problems = []
    rule = first_matching_rule(item.source, item.title, item.text, problems, rules)
    notes = f" ({'; '.join(problems)})" if problems else ""
    waited = item.decide_at is not None
    if not is_best_rule(rule):
        item.decide_at = None  # a wait ends once no "best report" rule matches any more
    if rule is None:
        if problems or waited:
            item.status_reason = clip("; ".join(problems), STATUS_REASON_CHARS)
            item.save(update_fields=["status_reason", "decide_at"])
        return
    reason = clip(f"Rule: {rule}{notes}", STATUS_REASON_CHARS)
    original = published_original(item) if rule.action == rule.Action.PUBLISH else None
    if original is not None:
        # The site already carries this story: a second copy would publish it twice.
        hold_instead(item, f"Copy of “{original.story_title()}” ({original.source_name() or 'our site'})", reason)
        return
    first = published_report(item) if (
        rule.action == rule.Action.PUBLISH and rule.cluster_policy != rule.ClusterPolicy.ALL
    ) else None
    if first is not None:
        # The rule publishes one report of each story, and the site has one.
        hold_instead(item, f"Same story as “{first.title}” ({first.source.name})", reason)
        return
    if is_best_rule(rule):
        wait_for_reports(item, reason)
    elif rule.action == rule.Action.PUBLISH:
        item.status_reason = reason
        publish_item(item, section=rule.section or item.section)
    else:
        item.status = WireItem.Status.HELD if rule.action == rule.Action.HOLD else WireItem.Status.DISCARDED
        item.status_reason = reason
        item.save(update_fields=["status", "status_reason", "decide_at"])


def hold_instead(item, published, reason):
    """Hold an item a publishing rule matched, because `published` (what the site already carries) tells its story."""
    item.status = WireItem.Status.HELD
    item.decide_at = None
    item.status_reason = clip(
        f"{published}, already published; not published by {reason[0].lower()}{reason[1:]}", STATUS_REASON_CHARS
    )
    item.save(update_fields=["status", "status_reason", "decide_at"])


# --- the best report of a story ---------------------------------------------

def is_best_rule(rule):
    return rule is not None and rule.action == rule.Action.PUBLISH and rule.cluster_policy == rule.ClusterPolicy.BEST


def wait_for_reports(item, reason):
    """Keep `item` new until its story's decision: the earliest decision time of its cluster's waiting reports.

    The first report of a story starts the wait; a later one is decided with
    it, so each report that comes in does not push the story back.
    """
    decide_at = item.decide_at
    if decide_at is None:
        decide_at = timezone.now() + timedelta(minutes=conf.get("NEWSDESK_CLUSTER_BEST_WAIT_MINUTES"))
        cluster_id = cluster_of(item.pk)
        if cluster_id is not None:
            others = [other.decide_at for other in waiting_reports(cluster_id) if other.pk != item.pk]
            decide_at = min([decide_at, *others])
    item.decide_at = decide_at
    item.status_reason = waiting_reason(decide_at, reason)
    item.save(update_fields=["status_reason", "decide_at"])


def waiting_reason(decide_at, reason):
    return clip(f"Waiting until {clock(decide_at)} for other outlets' reports; the best is published ({reason})",
                STATUS_REASON_CHARS)


def clock(moment):
    """A time as the desk shows it: 14:30 today, or 2 Dec 14:30 another day (the site's time zone)."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localtime().date():
        return local.strftime("%H:%M")
    return f"{local.day} {local:%b %H:%M}"


# What a report's score counts (report_score): a word is a point up to
# FULL_WORDS; past that, each doubling of the length adds LONGER_POINTS.
FULL_WORDS = 800
LONGER_POINTS = 200
IMAGE_POINTS = 100


@dataclass(frozen=True)
class Score:
    """A report's score and what made it, as the status reasons show it: "391 (291 words, a lead image)"."""

    points: int
    why: str

    def __str__(self):
        return f"{self.points:,} ({self.why})"


def report_score(item, is_copy=False):
    """How good a report of a story is to publish in our name: the fullest, illustrated, outlet's own text.

    An editor with several outlets' reports of one event picks the one that
    tells the reader most. The score counts the same few things, and the
    held reports' reasons show it, so anyone can check a choice:

    - its words, a point each up to 800 (a full news report); past that each
      doubling of the length adds 200, so a long feature beats a short
      report but a 10,000-word live blog cannot drown every other sign;
    - a lead image, 100 more: the story shows with a picture on the site,
      in lists and when shared;
    - halved when the text is the feed's own (`from_feed_only`: the
      outlet's page could not be read, and `extraction_note` says why): a
      feed often carries a summary or a cut version, without the page's
      links and pictures;
    - halved when the report copies another outlet's story (copy
      detection): the outlet that reported it is the one to credit.

    Of equal scores, the report that arrived first wins (`best_of`).
    """
    words = len(item.text.split())
    points = min(words, FULL_WORDS)
    if words > FULL_WORDS:
        points += LONGER_POINTS * math.log2(words / FULL_WORDS)
    why = f"{words:,} word{'' if words == 1 else 's'}"
    if item.image_url:
        points += IMAGE_POINTS
        why += ", a lead image"
    halved = [because for because, halve in (("the feed's text only", item.from_feed_only),
                                             ("a copy of another outlet's story", is_copy)) if halve]
    for _ in halved:
        points /= 2
    if halved:
        why += ", halved as " + " and again as ".join(halved)
    return Score(round(points), why)


def best_of(items, scores):
    """The item with the highest score; of equal scores, the one that arrived first."""
    return min(items, key=lambda item: (-scores[item.pk].points, item.fetched_at, item.pk))


# Due stories one run decides at most: a backlog (the worker was down for an
# hour) is worked through over a few runs rather than in one long one.
MAX_DECISIONS = 200


class Contended(Exception):
    """Another worker decided one of the story's reports meanwhile: this worker leaves the story to it."""


def decide_due_reports(now=None):
    """Decide every story whose wait for the best report has ended; return how each went, counted.

    A due item with a cluster decides its whole cluster: its waiting reports,
    due or not. One without is a story told by one outlet and is published
    as it is. A story that fails is recorded on its best report and does not
    stop the others; one another worker is deciding is left to it ("busy").
    """
    now = now or timezone.now()
    end_stale_waits()
    due = list(WireItem.objects.filter(status=WireItem.Status.NEW, decide_at__lte=now)
               .order_by("decide_at", "pk").values_list("pk", flat=True)[:MAX_DECISIONS])
    outcomes, decided = Counter(), set()
    for pk in due:
        cluster_id = cluster_of(pk)
        if cluster_id is not None and cluster_id in decided:
            continue
        decided.add(cluster_id)
        try:
            outcome = decide(pk, now)
        except Exception:
            logger.exception("Deciding the best report of wire item %s failed", pk)
            outcome = "failed"
        outcomes[outcome] += 1
    return dict(outcomes)


def end_stale_waits():
    """Clear the decision time of items an editor published, held or discarded while they waited."""
    with serialised_writes():
        WireItem.objects.filter(decide_at__isnull=False).exclude(status=WireItem.Status.NEW).update(decide_at=None)


def decide(pk, now):
    """Decide the story of due item `pk` (its cluster's, or its own when it has none) in one transaction.

    Exactly one worker decides a story, whatever the number deciding at once:

    - on PostgreSQL the cluster's row is locked first, skipping a cluster
      another worker holds (`select_for_update(skip_locked=True)`); on
      SQLite a transaction takes the database's write lock when it begins
      (settings.py: immediate transactions) and `serialised_writes` queues
      this process's threads for it;
    - the waiting reports are then claimed with one conditional UPDATE
      (`decide_at` back to NULL where it is still set); when it changes
      fewer rows than were read, another worker took one of them (the lone
      item joined a cluster, or was claimed alone), and the whole
      transaction rolls back;
    - the claim, the published story and the held reports commit together,
      so a worker that dies halfway leaves the reports waiting, and the next
      run decides them.
    """
    try:
        with serialised_writes(), transaction.atomic():
            cluster_id = cluster_of(pk)  # read again: it may have joined one since
            if cluster_id is None:
                waiting = list(WireItem.objects.filter(pk=pk, status=WireItem.Status.NEW, decide_at__lte=now)
                               .select_related("source"))
            else:
                if not list(Cluster.objects.select_for_update(skip_locked=True).filter(pk=cluster_id)
                            .values_list("pk", flat=True)):
                    return "busy"
                waiting = waiting_reports(cluster_id)
                if not any(item.decide_at <= now for item in waiting):
                    waiting = []
            if not waiting:
                return "not due"  # decided by another worker meanwhile
            claimed = (WireItem.objects.filter(pk__in=[item.pk for item in waiting], status=WireItem.Status.NEW,
                                               decide_at__isnull=False).update(decide_at=None))
            if claimed != len(waiting):
                raise Contended()
            return decide_claimed(waiting, cluster_id, now)
    except Contended:
        return "busy"


def decide_claimed(waiting, cluster_id, now):
    """Publish the best of the claimed reports and hold the others; "published", "held", "failed" or "ended"."""
    contenders, ended = [], []
    for item in waiting:
        item.decide_at = None
        rule = first_matching_rule(item.source, item.title, item.text)
        if not is_best_rule(rule):
            ended.append(item)  # the rule changed while it waited: the current rules decide it now
            continue
        reason = clip(f"Rule: {rule}", STATUS_REASON_CHARS)
        original = published_original(item)
        if original is not None:
            hold_instead(item, f"Copy of “{original.story_title()}” ({original.source_name() or 'our site'})",
                         reason)
            continue
        contenders.append((item, rule, reason))
    outcome = publish_best(contenders, cluster_id, now) if contenders else "ended"
    for item in ended:
        apply_rules_again(item)
    return outcome


def publish_best(contenders, cluster_id, now):
    live = live_report(cluster_id) if cluster_id is not None else None
    if live is not None:
        # Published by hand or by another rule while the story waited: as FIRST does, the others are held.
        for item, _rule, reason in contenders:
            hold_instead(item, f"Same story as “{live.title}” ({live.source.name})", reason)
        return "held"
    items = [item for item, _rule, _reason in contenders]
    copies = copies_among(item.pk for item in items)
    scores = {item.pk: report_score(item, is_copy=item.pk in copies) for item in items}
    best = best_of(items, scores)
    rule, reason = next((rule, reason) for item, rule, reason in contenders if item is best)
    failed_before = best.attempts if best.error_stage == WireItem.Stage.RULES else 0
    if cluster_id is None:
        best.status_reason = clip(f"{reason}; no other outlet reported the story in the wait", STATUS_REASON_CHARS)
    elif len(items) == 1:
        best.status_reason = clip(f"{reason}; the only report of the story waiting", STATUS_REASON_CHARS)
    else:
        best.status_reason = clip(f"{reason}; the best of {len(items)} reports, scoring {scores[best.pk]}",
                                  STATUS_REASON_CHARS)
    if failed_before:
        best.error, best.error_stage, best.attempts, best.retry_at = "", "", 0, None
    try:
        with transaction.atomic():  # a savepoint: a failure undoes the publishing, not the claim
            publish_item(best, section=rule.section or best.section)
    except Exception as error:
        logger.exception("Publishing wire item %s as the best report failed", best.pk)
        record_failure(best, [entry for entry in contenders if entry[0] is not best], failed_before + 1,
                       f"{error.__class__.__name__}: {error}", now)
        return "failed"
    for item, _rule, reason in contenders:
        if item is not best:
            item.status = WireItem.Status.HELD
            item.status_reason = clip(
                f"Same story as “{best.title}” ({best.source.name}), published as the best report, scoring "
                f"{scores[best.pk]}; this one scored {scores[item.pk]}; not published by "
                f"{reason[0].lower()}{reason[1:]}", STATUS_REASON_CHARS)
            item.save(update_fields=["status", "status_reason", "decide_at"])
    return "published"


def record_failure(best, others, attempts, error, now):
    """Keep the story waiting after its best report failed to publish, and say so on that report.

    It is tried again after the back-off the pipeline gives a failing rule;
    after the last attempt the report is held for an editor and the next
    run picks the best of the others. `retry_at` stays empty: this job, not
    the next poll of the source, tries again.
    """
    from .pipeline import MAX_ITEM_ATTEMPTS

    if attempts >= MAX_ITEM_ATTEMPTS:
        status, retry = WireItem.Status.HELD, None
        reason = f"Held: publishing it as the best report failed {attempts} times ({error})."
        others_at = now
    else:
        status, retry = WireItem.Status.NEW, now + backoff(attempts, base=best.source.poll_interval)
        reason = f"Publishing it as the best report failed ({error}); tried again at {clock(retry)}."
        others_at = retry
    WireItem.objects.filter(pk=best.pk).update(
        status=status, status_reason=clip(reason, STATUS_REASON_CHARS), decide_at=retry, error=clip(error, 2000),
        error_stage=WireItem.Stage.RULES, attempts=attempts, retry_at=None,
    )
    for item, _rule, rule_reason in others:
        WireItem.objects.filter(pk=item.pk).update(decide_at=others_at,
                                                   status_reason=waiting_reason(others_at, rule_reason))


def apply_rules_again(item):
    """Apply the current rules to an item whose "best report" rule no longer matches it; a failure is kept on it."""
    from .pipeline import hold_if_uncertain

    item.status_reason = "It waited for its story's best report; no rule publishing only the best matches it now."
    WireItem.objects.filter(pk=item.pk).update(status_reason=item.status_reason)
    try:
        with transaction.atomic():
            apply_rules(item)
    except Exception as error:
        logger.exception("The rules failed on wire item %s", item.pk)
        WireItem.objects.filter(pk=item.pk, status=WireItem.Status.NEW).update(
            status=WireItem.Status.HELD,
            status_reason=clip(f"Held: the rules failed ({error.__class__.__name__}: {error}).", STATUS_REASON_CHARS),
        )
        return
    hold_if_uncertain(item)
