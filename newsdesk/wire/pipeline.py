"""The wire desk's pipeline: one poll of one source, stage by stage.

1. claim the source: take its lease (newsdesk/newsroom/leases.py) with one
   conditional UPDATE that only succeeds when the source is enabled, due and
   not held by another poll, so a source is never polled twice at once and
   never before its time, whatever the number of workers; a heartbeat
   renews the lease while the poll runs, and a poll that loses it stops
   storing;
2. fetch its feed or page through the process's shared fetcher, conditional
   on the last ETag and Last-Modified, so an unchanged feed costs one 304;
3. parse the items (parsing.py), or for a page source find its article
   links (discovery.py); at most NEWSDESK_POLL_MAX_ITEMS of them, newest
   first, are read;
4. for each item not seen before, changed since, or due for a retry: fetch
   the article page and extract the story (extraction.py, sanitised by
   sanitising.py), falling back to the feed's own content when the page
   cannot be had or the poll has already fetched pages from
   NEWSDESK_POLL_MAX_NEW_HOSTS other hosts;
5. file a new item under a section (newsdesk/sections: the site's model,
   the feed's categories, and the source's own section as a prior) and
   store it once, keyed by its identity (the GUID, else the canonical URL),
   keeping the earlier version when the source edited the story; sizes are
   capped (limits.py); fingerprint it and link it to the story it copies,
   if the desk holds one (newsdesk/copies);
6. apply the rules (rules.py) to a new item, after it is stored, and again
   to items whose rules failed on an earlier poll; an item no rule decided
   whose section is below NEWSDESK_SECTION_CONFIDENCE is held for an editor;
7. record the outcome on the source (its success, or the failure's reason
   and the next try after an exponential back-off) and in the poll log,
   with the reasons items were skipped or failed, and give the lease back.

A failure of one item is stored on that item (error, attempts, retry_at) and
retried with back-off on later polls; a failure of the source is stored on
the source. Neither stops other items, other sources or the worker.

One worker runs many of these polls at once (polling.py): each poll's
writes take turns with the others' on SQLite (writing.py), and extraction
may run in processes of its own (extraction_pool.py).
"""

import hashlib
import json
import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from newsdesk import conf
from newsdesk.newsroom.leases import Heartbeat, Lease
from newsdesk.outbound import FetchError, backoff
from newsdesk.outbound.configured import make_fetcher, shared_fetcher  # noqa: F401  (make_fetcher: callers' import)
from newsdesk.copies.clusters import note_item as cluster_item
from newsdesk.copies.linking import note_item, prepare_item
from newsdesk.sections.filing import file_story, live_sections
from newsdesk.stories.excerpts import plain_text

from . import discovery, parsing
from .extraction import ExtractionError
from .extraction_pool import extract_page
from .limits import MAX_STORY_CHARS, MAX_URL_CHARS, bounded_raw, clip, fits
from .models import Poll, Source, WireItem, WireItemVersion, identity_key
from .source_boilerplate import extract_for_source
from .rules import apply_rules, rules_for
from .sanitising import sanitise_html
from .writing import serialised_writes

logger = logging.getLogger(__name__)

POLL_LEASE = Lease(Source, holder_field="locked_by", until_field="locked_until")

# A failing item is tried again after the source's poll interval, then twice
# that, and so on (newsdesk.outbound.backoff). Five tries span about eight hours for a
# feed polled every 15 minutes: long enough to ride out a site's bad
# afternoon; after that the item waits for an editor with its reason.
MAX_ITEM_ATTEMPTS = 5

# Page failures worth another try: the server or the network may be back
# later. A 404, a robots.txt refusal or a page without a story will not be.
TRANSIENT_FETCH_KINDS = {"timeout", "network"}
TRANSIENT_STATUSES = {429, 500, 502, 503, 504}

# The poll log keeps this many reasons; more would make a row nobody reads.
MAX_POLL_NOTES = 30
MAX_NOTE_CHARS = 300

TITLE_CHARS = WireItem._meta.get_field("title").max_length
AUTHOR_CHARS = WireItem._meta.get_field("author").max_length
LANGUAGE_CHARS = WireItem._meta.get_field("language").max_length
REASON_CHARS = WireItem._meta.get_field("status_reason").max_length


class LeaseLost(Exception):
    """Another worker holds the source now: this poll must store nothing more."""


@dataclass
class PollOutcome:
    source: Source
    ok: bool = False
    not_modified: bool = False
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    error: str = ""
    seconds: float = 0.0
    come_back_after: timedelta | None = None  # the server's Cache-Control hint
    item_errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # why items were skipped or failed

    def note(self, reason):
        reason = clip(reason, MAX_NOTE_CHARS)
        if len(self.notes) < MAX_POLL_NOTES and reason not in self.notes:
            self.notes.append(reason)

    def skip(self, count, reason):
        self.skipped += count
        self.note(reason)


def lease_length():
    return timedelta(seconds=conf.get("NEWSDESK_POLL_LOCK_SECONDS"))


def due_sources(now=None):
    now = now or timezone.now()
    return Source.objects.filter(enabled=True, next_poll_at__lte=now).order_by("next_poll_at")


def claim(source, now, holder, due_only=True):
    """Take the source's lease for `holder`; False when it is not due, disabled or held by another poll."""
    condition = Q(enabled=True)
    if due_only:
        condition &= Q(next_poll_at__lte=now)
    return POLL_LEASE.take(source.pk, holder, now, lease_length(), condition)


def release(source, holder):
    """Give the lease back and clear the queued mark, if `holder` still holds it."""
    return POLL_LEASE.release(source.pk, holder, poll_queued_at=None)


def mark_queued(source, now):
    """Mark a due, free source as having a poll task queued; False when one is already queued.

    A mark older than the lease counts as lost (a worker died with the task,
    or the queue was flushed), so the source may be queued again.
    """
    stale = now - lease_length()
    marked = (
        Source.objects.filter(pk=source.pk, enabled=True, next_poll_at__lte=now)
        .filter(Q(poll_queued_at__isnull=True) | Q(poll_queued_at__lte=stale))
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        .update(poll_queued_at=now)
    )
    return marked == 1


def unmark_queued(source, queued_at):
    """Clear a queued mark this process set (the task could not be queued, or will not run)."""
    Source.objects.filter(pk=source.pk, poll_queued_at=queued_at).update(poll_queued_at=None)


def poll_source(source, fetcher, now=None, holder="newsdesk", due_only=True):
    """Poll one source through every stage; None when it is not due or another poll holds it.

    `holder` names the poller; each poll adds a token of its own, so two
    polls in one process never pass for each other.
    """
    now = now or timezone.now()
    holder = f"{holder[:180]}#{secrets.token_hex(4)}"
    with serialised_writes():
        if not claim(source, now, holder, due_only):
            return None
        source.refresh_from_db()
        poll = Poll.objects.create(source=source, started_at=now)
    started = timezone.now()
    try:
        with Heartbeat(POLL_LEASE, source.pk, holder, lease_length()) as heartbeat:
            run = SourcePoll(source, fetcher, holder, heartbeat)
            run.run()
    finally:
        with serialised_writes():
            release(source, holder)
    outcome = run.outcome
    outcome.seconds = (timezone.now() - started).total_seconds()
    with serialised_writes():
        record_poll(poll, outcome)
    return outcome


def record_poll(poll, outcome):
    """Write the poll log row of a finished poll."""
    Poll.objects.filter(pk=poll.pk).update(
        finished_at=timezone.now(),
        ok=outcome.ok,
        not_modified=outcome.not_modified,
        new_items=outcome.new,
        updated_items=outcome.updated,
        failed_items=outcome.failed,
        skipped_items=outcome.skipped,
        error=outcome.error,
        notes="\n".join(outcome.notes),
    )


class SourcePoll:
    """One poll of one source by one lease holder: stages 2 to 7."""

    def __init__(self, source, fetcher, holder, heartbeat):
        self.source = source
        self.fetcher = fetcher
        self.holder = holder
        self.heartbeat = heartbeat
        self.outcome = PollOutcome(source=source)
        self.now = timezone.now()
        self.feed_host = urlsplit(source.url).hostname or ""
        self.page_hosts = set()
        self._rules = None
        self._sections = None

    @property
    def sections(self):
        """The site's live sections, for filing: read once per poll, as the rules are."""
        if self._sections is None:
            self._sections = live_sections()
        return self._sections

    @property
    def rules(self):
        """The source's rules and the global ones, read once per poll: they rarely change within one."""
        if self._rules is None:
            self._rules = rules_for(self.source)
        return self._rules

    def run(self):
        outcome = self.outcome
        try:
            self.fetch_and_store()
            self.retry_rules()
        except LeaseLost as error:
            outcome.error = str(error)
            logger.warning("Poll of %s stopped: %s", self.source, error)
        except (FetchError, parsing.ParseError) as error:
            outcome.error = str(error)
            self.record_failure(outcome.error, getattr(error, "retry_after", None))
        except Exception as error:  # a bug must not kill the worker: log it, keep the reason
            logger.exception("Polling %s failed", self.source)
            outcome.error = f"Internal error: {error.__class__.__name__}: {error}"
            self.record_failure(outcome.error, None)
        else:
            outcome.ok = True
            self.record_success()

    # --- the lease --------------------------------------------------------

    def ensure_held(self):
        if self.heartbeat.lost.is_set():
            raise LeaseLost(f"Another worker took over the source's lease from {self.holder}; the poll stopped.")

    def save(self, item, version=None, **save_arguments):
        """Save `item` (and `version`) only while this poll still holds the source's lease.

        The check and the writes share one transaction, and the check locks
        the source row (on SQLite the transaction itself takes the write
        lock), so the lease cannot change hands between them.
        """
        with serialised_writes(), transaction.atomic():
            if not POLL_LEASE.is_held_by(self.source.pk, self.holder, for_update=True):
                self.heartbeat.lost.set()
                self.ensure_held()
            if version is not None:
                version.save()
            item.save(**save_arguments)

    # --- stages 2 to 5 ------------------------------------------------------

    def fetch_and_store(self):
        source = self.source
        result = self.fetcher.fetch(
            source.url,
            etag=source.etag or None,
            last_modified=source.last_modified or None,
            headers=source.headers or None,
        )
        if result.not_modified:
            self.outcome.not_modified = True
            return
        # A validator cut short would never match again; one too long is dropped.
        source.etag = fits(result.etag, Source, "etag")
        source.last_modified = fits(result.last_modified, Source, "last_modified")
        self.outcome.come_back_after = result.max_age
        if source.kind == Source.Kind.PAGE:
            items = page_items(result)
        else:
            limit = conf.get("NEWSDESK_POLL_MAX_ITEMS")
            parsed = parsing.parse_feed(
                result.content, result.url, result.content_type, encoding=result.encoding, max_items=limit
            )
            items = parsed.items
            for reason in parsed.skipped:
                self.outcome.skip(1, f"Skipped by the parser: {reason}")
            if parsed.unread:
                self.skip_unread(parsed.unread, limit)
        self.store_items(items)

    def skip_unread(self, count, limit):
        self.outcome.skip(count, f"{count} items after the first {limit} not read (NEWSDESK_POLL_MAX_ITEMS).")

    def store_items(self, items):
        limit = conf.get("NEWSDESK_POLL_MAX_ITEMS")
        if len(items) > limit:
            self.skip_unread(len(items) - limit, limit)
            items = items[:limit]
        for feed_item in items:
            self.ensure_held()
            try:
                kind = self.store_item(feed_item)
            except LeaseLost:
                raise
            except Exception as error:
                logger.exception("Item %s of %s failed", getattr(feed_item, "url", "?"), self.source)
                reason = f"{error.__class__.__name__}: {error}"
                self.outcome.failed += 1
                self.outcome.item_errors.append(f"{getattr(feed_item, 'url', '?')}: {reason}")
                self.outcome.note(f"Failed: {getattr(feed_item, 'url', '?')}: {reason}")
                self.record_store_failure(feed_item, reason)
                continue
            setattr(self.outcome, kind, getattr(self.outcome, kind) + 1)

    def store_item(self, feed_item):
        """Store one feed item; return "new", "updated", "unchanged" or "skipped"."""
        identity = feed_item.identity
        if len(identity) > MAX_URL_CHARS or len(feed_item.url) > MAX_URL_CHARS:
            self.outcome.note(f"Skipped an item whose URL or GUID is over {MAX_URL_CHARS:,} characters.")
            return "skipped"
        existing = WireItem.objects.filter(source=self.source, identity_key=identity_key(identity)).first()
        digest = content_hash(feed_item)
        if existing is not None and not self.needs_work(existing, digest):
            return "unchanged"
        if existing is None and too_old(self.source, feed_item):
            self.outcome.skip(1, f"Items older than the source's limit of {self.source.max_age_days} days.")
            return "skipped"
        story, page_error = self.extract_story(feed_item)
        if existing is not None and not is_placeholder(existing):
            self.update_item(existing, feed_item, story, digest, page_error)
            return "updated"
        item = existing or WireItem(source=self.source, identity=identity)
        for name, value in story.items():
            setattr(item, name, value)
        item.content_hash = digest
        file_item(item, self.source.section, feed_item.tags, self.sections)
        item.raw = bounded_raw(feed_item.raw)
        self.set_error(item, WireItem.Stage.PAGE, page_error)
        try:
            self.save(item)
        except IntegrityError:
            stored = WireItem.objects.filter(source=self.source, identity_key=item.identity_key).exists()
            if existing is None and stored:
                return "unchanged"  # another poll stored it between our look-up and our insert
            raise
        self.note_copy(item)
        self.apply_rules(item)
        return "new"

    def needs_work(self, item, digest):
        """Whether a stored item is to be handled again: changed in the feed, or due for a retry."""
        due = item.retry_at is not None and item.retry_at <= self.now
        if is_placeholder(item):
            return due
        if item.error_stage == WireItem.Stage.PAGE and due:
            return True
        return item.content_hash != digest

    def extract_story(self, feed_item):
        """The WireItem fields of the story, and the page failure worth a retry (or "")."""
        feed_html = feed_item.content_html or feed_item.summary_html or ""
        fields = {
            "url": feed_item.url,
            "title": clip((feed_item.title or "").strip(), TITLE_CHARS),
            "author": clip(feed_item.author, AUTHOR_CHARS),
            "summary": clip(plain_text(feed_item.summary_html), MAX_STORY_CHARS),
            "image_url": image_address(feed_item.image),
            "published_at": feed_item.published,
            "from_feed_only": False,
            "extraction_note": "",
            "status": WireItem.Status.NEW,
            "status_reason": "",
        }
        page_error = ""
        refusal = self.host_refusal(feed_item.url)
        if refusal:
            fields.update(feed_story(feed_html, feed_item.url), extraction_note=refusal)
        else:
            try:
                page = self.fetcher.fetch(feed_item.url, accept="text/html,application/xhtml+xml")
                # The page's title, author and picture only fill what the feed left out:
                # when it left nothing out, the page's metadata is not searched for. Its
                # date never is: htmldate gives a day, and the item keeps the feed's time.
                wanted = not (fields["title"] and fields["author"] and fields["image_url"])
                extraction = extract_for_source(self.source, page.content, extractor=extract_page, url=page.url,
                                                fast=conf.get("NEWSDESK_FAST_EXTRACTION"), metadata=wanted,
                                                date=False)
            except (FetchError, ExtractionError) as error:
                fields.update(
                    feed_story(feed_html, feed_item.url),
                    extraction_note=f"Article page not used ({error}); the text is the feed's own.",
                )
                if is_transient(error):
                    page_error = f"Article page not fetched: {error}"
            else:
                fields.update(story_text(extraction.html), language=clip(extraction.language, LANGUAGE_CHARS))
                fields["title"] = fields["title"] or clip(extraction.title, TITLE_CHARS)
                fields["author"] = fields["author"] or clip(extraction.author, AUTHOR_CHARS)
                fields["image_url"] = fields["image_url"] or image_address(extraction.image)
        if not fields["title"]:
            fields["title"] = feed_item.url[:TITLE_CHARS]
        if not fields["html"].strip():
            fields["status"] = WireItem.Status.FAILED
            fields["status_reason"] = "No story text: neither the page nor the feed had any."
        return fields, page_error

    def host_refusal(self, url):
        """Why this poll does not fetch `url`'s page, or "" when it may (see NEWSDESK_POLL_MAX_NEW_HOSTS)."""
        host = (urlsplit(url).hostname or "").lower()
        if host == self.feed_host or host in self.page_hosts:
            return ""
        limit = conf.get("NEWSDESK_POLL_MAX_NEW_HOSTS")
        if len(self.page_hosts) >= limit:
            return (
                f"Article page not fetched: this poll already fetched pages from {limit} hosts other than the "
                "source's own (NEWSDESK_POLL_MAX_NEW_HOSTS); the text is the feed's own."
            )
        self.page_hosts.add(host)
        return ""

    def update_item(self, item, feed_item, story, digest, page_error):
        edited = item.content_hash != digest
        version = None
        if edited:
            version = WireItemVersion(item=item, title=item.title, html=item.html, text=item.text, raw=item.raw)
        for name, value in story.items():
            if name not in {"status", "status_reason"}:
                setattr(item, name, value)
        item.raw = bounded_raw(feed_item.raw)
        item.content_hash = digest
        self.set_error(item, WireItem.Stage.PAGE, page_error)
        self.save(item, version=version)
        self.note_copy(item)

    def note_copy(self, item):
        """Fingerprint the stored item, link it to the story it copies and cluster it (newsdesk/copies), before the rules.

        Only the fingerprint is written under the write lock: its signature
        and sentence vector are computed before, and the clustering compares
        outside it and takes it for its own few writes.
        """
        prepared = prepare_item(item)
        with serialised_writes():
            note_item(item, prepared)
        cluster_item(item)

    # --- stage 6 ----------------------------------------------------------

    def apply_rules(self, item):
        """Apply the rules to a stored item; a failure is recorded on it and retried later."""
        self.ensure_held()
        with serialised_writes():
            self.apply_rules_now(item)

    def apply_rules_now(self, item):
        try:
            apply_rules(item, self.rules)
        except Exception as error:
            logger.exception("The rules failed on item %s of %s", item.pk, self.source)
            self.record_rule_failure(item, f"{error.__class__.__name__}: {error}")
            return
        if item.error_stage == WireItem.Stage.RULES:
            WireItem.objects.filter(pk=item.pk).update(error="", error_stage="", attempts=0, retry_at=None)
        hold_if_uncertain(item)

    def retry_rules(self):
        """Apply the rules again to this source's items whose rules failed and are due for a retry."""
        due = WireItem.objects.filter(
            source=self.source, status=WireItem.Status.NEW, error_stage=WireItem.Stage.RULES, retry_at__lte=self.now
        ).select_related("source")
        for item in due.order_by("retry_at")[: conf.get("NEWSDESK_POLL_MAX_ITEMS")]:
            self.apply_rules(item)

    # --- item failures ------------------------------------------------------

    def set_error(self, item, stage, error):
        """Record `error` at `stage` on an unsaved item, or clear the error of that stage when "" ."""
        if not error:
            # A stored story also clears the failure of storing it.
            if item.error_stage in {stage, WireItem.Stage.STORE}:
                item.error, item.error_stage, item.attempts, item.retry_at = "", "", 0, None
            return
        item.attempts = (item.attempts if item.error_stage == stage else 0) + 1
        item.error = clip(error, 2000)
        item.error_stage = stage
        item.retry_at = self.retry_time(item.attempts)

    def retry_time(self, attempts):
        """When to try a failed item again; None once it has had MAX_ITEM_ATTEMPTS."""
        if attempts >= MAX_ITEM_ATTEMPTS:
            return None
        return timezone.now() + backoff(attempts, base=self.source.poll_interval)

    def record_rule_failure(self, item, error):
        # Called from apply_rules, inside its serialised_writes block.
        fresh = WireItem.objects.filter(pk=item.pk).values("attempts", "error_stage").first() or {}
        attempts = (fresh.get("attempts", 0) if fresh.get("error_stage") == WireItem.Stage.RULES else 0) + 1
        retry_at = self.retry_time(attempts)
        WireItem.objects.filter(pk=item.pk).update(
            error=clip(error, 2000), error_stage=WireItem.Stage.RULES, attempts=attempts, retry_at=retry_at
        )
        # Only an item still new is marked: the rule may have got as far as publishing it.
        if retry_at is None:
            reason = f"Held: the rules failed {attempts} times ({error})."
            status = WireItem.Status.HELD
        else:
            reason = f"The rules failed ({error}); tried again on a later poll."
            status = WireItem.Status.NEW
        WireItem.objects.filter(pk=item.pk, status=WireItem.Status.NEW).update(
            status=status, status_reason=clip(reason, REASON_CHARS)
        )
        self.outcome.note(f"Rules failed on {clip(item.url, 200)}: {error}")

    def record_store_failure(self, feed_item, error):
        """Keep an item that could not be stored as a failed placeholder, retried with back-off.

        Without it the item would be lost from view, and fetched and
        extracted again on every poll however often it failed.
        """
        try:
            identity = feed_item.identity
            if len(identity) > MAX_URL_CHARS or len(feed_item.url) > MAX_URL_CHARS:
                return
            item = WireItem.objects.filter(source=self.source, identity_key=identity_key(identity)).first()
            if item is None:
                item = WireItem(
                    source=self.source,
                    identity=identity,
                    url=feed_item.url,
                    title=clip((feed_item.title or "").strip(), TITLE_CHARS) or feed_item.url[:TITLE_CHARS],
                    status=WireItem.Status.FAILED,
                    status_reason=clip(f"Could not be stored: {error}", REASON_CHARS),
                    section=self.source.section,
                )
            self.set_error(item, WireItem.Stage.STORE, error)
            self.save(item)
        except LeaseLost:
            raise
        except Exception:
            logger.exception("Could not record the failure of %s", getattr(feed_item, "url", "?"))

    # --- stage 7 ----------------------------------------------------------

    def record_success(self):
        source, outcome = self.source, self.outcome
        now = timezone.now()
        interval = source.poll_interval
        hint = outcome.come_back_after
        if hint and hint > interval:
            # The server asked us to come back later (Cache-Control); a day at most.
            interval = min(hint, timedelta(days=1))
        # Only the lease holder writes: a poll that lost its lease changes nothing.
        with serialised_writes():
            Source.objects.filter(pk=source.pk, locked_by=self.holder).update(
                etag=source.etag,
                last_modified=source.last_modified,
                last_polled_at=now,
                last_success_at=now,
                consecutive_failures=0,
                next_poll_at=now + interval,
            )

    def record_failure(self, reason, retry_after):
        source = self.source
        now = timezone.now()
        failures = source.consecutive_failures + 1
        # Back off from the source's own pace: a feed polled every 15 minutes is
        # retried after 15, 30, 60… minutes, up to a day.
        delay = backoff(failures, base=source.poll_interval, retry_after=retry_after)
        with serialised_writes():
            Source.objects.filter(pk=source.pk, locked_by=self.holder).update(
                last_polled_at=now,
                last_error=reason,
                last_error_at=now,
                consecutive_failures=failures,
                next_poll_at=now + delay,
            )
        logger.warning("Source %s failed (%d in a row): %s", source, failures, reason)


def file_item(item, prior, categories=(), sections=None):
    """Give a new item its section, confidence and suggestions.

    The source's section is only a prior and the feed's categories are
    evidence; the story's own text decides (newsdesk/sections/filing.py).
    """
    try:
        filing = file_story(
            item.title,
            "\n".join(part for part in (item.summary, item.text) if part),
            prior=prior,
            categories=categories,
            sections=sections,
        )
    except Exception:  # a failing model must not cost the story: it waits in its source's section
        logger.exception("Filing %s failed; it keeps its source's section", item.url)
        filing = None
    if filing is None:
        item.section, item.section_confidence, item.section_suggestions = prior, None, []
        return
    item.section = filing.section
    item.section_confidence = filing.confidence
    item.section_suggestions = filing.suggestions_for_storage()


def hold_if_uncertain(item):
    """Hold an item the rules left new when its section is in doubt, for an editor to choose."""
    threshold = conf.get("NEWSDESK_SECTION_CONFIDENCE")
    if item.section_confidence is None or item.section_confidence >= threshold:
        return
    reason = clip(f"Section uncertain ({item.section_confidence:.0%} {item.section}): choose one.", REASON_CHARS)
    # An item waiting for its story's best report (rules.py) is a publish rule's to decide.
    held = WireItem.objects.filter(pk=item.pk, status=WireItem.Status.NEW, decide_at__isnull=True).update(
        status=WireItem.Status.HELD, status_reason=reason
    )
    if held:
        item.status, item.status_reason = WireItem.Status.HELD, reason


def is_placeholder(item):
    """An item kept only to record that storing it failed (record_store_failure)."""
    return item.error_stage == WireItem.Stage.STORE and item.status == WireItem.Status.FAILED


def is_transient(error):
    if not isinstance(error, FetchError):
        return False  # the page was fetched; extraction gives the same answer next time
    return error.kind in TRANSIENT_FETCH_KINDS or error.status in TRANSIENT_STATUSES


def image_address(url):
    """``url`` when it is an http(s) address that fits its column, else "".

    A lead image comes from the feed or the page's own metadata, which nothing
    else cleans: a javascript: or data: address must not reach an <img>.
    """
    url = (url or "").strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:  # "http://[not-an-address" and the like
        return ""
    return url if scheme in {"http", "https"} and len(url) <= MAX_URL_CHARS else ""


def story_text(html):
    """The html and text fields of an extracted story, each within MAX_STORY_CHARS."""
    if len(html) > MAX_STORY_CHARS:
        # Cut, then sanitise again so the cut leaves no half tag behind.
        html = sanitise_html(html[:MAX_STORY_CHARS])
    return {"html": clip(html, MAX_STORY_CHARS), "text": clip(plain_text(html), MAX_STORY_CHARS)}


def feed_story(feed_html, base_url):
    """The html and text fields from the feed's own content, for when the page is not used.

    Relative links and images in it are resolved against the item's own URL.
    """
    fields = story_text(sanitise_html(feed_html[: MAX_STORY_CHARS * 2], base_url=base_url))
    return {**fields, "from_feed_only": True}


def page_items(result):
    """A page source's items: one per article link, known only by its URL until extracted."""
    links = discovery.find_article_links(result.content, result.url)
    return [parsing.FeedItem(guid=None, url=url, title="", raw={"link": url}) for url in links]


def content_hash(feed_item):
    payload = json.dumps(
        [feed_item.title, feed_item.content_html or "", feed_item.summary_html or "",
         feed_item.updated.isoformat() if feed_item.updated else ""],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8", errors="replace")).hexdigest()


def too_old(source, feed_item):
    if not source.max_age_days or not feed_item.published:
        return False
    return feed_item.published < timezone.now() - timedelta(days=source.max_age_days)


def poll_due_sources(fetcher=None, now=None, holder="newsdesk"):
    """Poll every due source once, in turn, in this process; return their outcomes.

    The worker spreads polls over tasks instead (tasks.poll_due_sources);
    this is for `newsdesk ingest` and tests.
    """
    fetcher = fetcher or shared_fetcher()
    outcomes = []
    for source in due_sources(now):
        outcome = poll_source(source, fetcher, now=now, holder=holder)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes
