"""The wire desk's pipeline: one poll of one source, stage by stage.

1. claim the source: a lock in the database, so one source is never polled
   twice at once, whatever the number of workers;
2. fetch its feed or page (fetching.py), conditional on the last ETag and
   Last-Modified, so an unchanged feed costs one 304;
3. parse the items (parsing.py), or for a page source find its article
   links (discovery.py);
4. for each item not seen before, or changed since: fetch the article page
   and extract the story (extraction.py, sanitised by sanitising.py),
   falling back to the feed's own content when the page cannot be had;
5. store it once, keyed by its identity (the GUID, else the canonical URL),
   keeping the earlier version when the source edited the story;
6. apply the rules (rules.py) to a new item: publish, hold or discard;
7. record the outcome on the source: its success, or the failure's reason
   and the next try after an exponential back-off.

A failure of one item is stored on that item; a failure of the source is
stored on the source. Neither stops other items, other sources or the worker.
"""

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from newsdesk import __version__, conf
from newsdesk.stories.excerpts import plain_text

from . import discovery, parsing
from .extraction import ExtractionError, extract
from .fetching import Fetcher, FetchError, backoff
from .models import Poll, Source, WireItem, WireItemVersion, identity_key
from .rules import apply_rules
from .sanitising import sanitise_html

logger = logging.getLogger(__name__)


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


def make_fetcher():
    """A Fetcher configured from the newsdesk settings."""
    user_agent = conf.get("NEWSDESK_FETCH_USER_AGENT") or (
        f"newsdesk/{__version__} (+{settings.WAGTAILADMIN_BASE_URL})"
    )
    return Fetcher(
        user_agent=user_agent,
        timeout=conf.get("NEWSDESK_FETCH_TIMEOUT"),
        max_bytes=conf.get("NEWSDESK_FETCH_MAX_BYTES"),
        allowed_networks=conf.get("NEWSDESK_FETCH_ALLOWED_NETWORKS"),
        per_host_concurrency=conf.get("NEWSDESK_FETCH_PER_HOST_CONCURRENCY"),
        per_host_delay=conf.get("NEWSDESK_FETCH_PER_HOST_DELAY"),
    )


def due_sources(now=None):
    now = now or timezone.now()
    return Source.objects.filter(enabled=True, next_poll_at__lte=now).order_by("next_poll_at")


def claim(source, now, holder):
    """Take the source's poll lock; False when another poll holds it."""
    lock_for = timedelta(seconds=conf.get("NEWSDESK_POLL_LOCK_SECONDS"))
    won = (
        Source.objects.filter(pk=source.pk)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=now + lock_for, locked_by=holder)
    )
    return won == 1


def release(source):
    Source.objects.filter(pk=source.pk).update(locked_until=None, locked_by="")


def poll_source(source, fetcher, now=None, holder="newsdesk"):
    """Poll one source through every stage; None when another poll holds it."""
    now = now or timezone.now()
    if not claim(source, now, holder):
        return None
    source.refresh_from_db()
    outcome = PollOutcome(source=source)
    poll = Poll.objects.create(source=source, started_at=now)
    started = timezone.now()
    try:
        fetch_and_store(source, fetcher, outcome)
    except (FetchError, parsing.ParseError) as error:
        outcome.error = str(error)
        retry_after = getattr(error, "retry_after", None)
        record_failure(source, outcome.error, retry_after)
    except Exception as error:  # a bug must not kill the worker: log it, keep the reason
        logger.exception("Polling %s failed", source)
        outcome.error = f"Internal error: {error.__class__.__name__}: {error}"
        record_failure(source, outcome.error, None)
    else:
        outcome.ok = True
        record_success(source, outcome)
    finally:
        release(source)
    outcome.seconds = (timezone.now() - started).total_seconds()
    Poll.objects.filter(pk=poll.pk).update(
        finished_at=timezone.now(),
        ok=outcome.ok,
        not_modified=outcome.not_modified,
        new_items=outcome.new,
        updated_items=outcome.updated,
        failed_items=outcome.failed,
        error=outcome.error,
    )
    return outcome


def fetch_and_store(source, fetcher, outcome):
    result = fetcher.fetch(
        source.url, etag=source.etag or None, last_modified=source.last_modified or None, headers=source.headers or None
    )
    if result.not_modified:
        outcome.not_modified = True
        return
    source.etag = result.etag or ""
    source.last_modified = result.last_modified or ""
    outcome.come_back_after = result.retry_after
    if source.kind == Source.Kind.PAGE:
        items = page_items(result)
    else:
        items = parsing.parse_feed(result.content, result.url, result.content_type, encoding=result.encoding).items
    for feed_item in items:
        try:
            outcome_key = store_item(source, feed_item, fetcher)
        except Exception as error:
            logger.exception("Item %s of %s failed", getattr(feed_item, "url", "?"), source)
            outcome.failed += 1
            outcome.item_errors.append(f"{getattr(feed_item, 'url', '?')}: {error}")
            continue
        setattr(outcome, outcome_key, getattr(outcome, outcome_key) + 1)


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
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def store_item(source, feed_item, fetcher):
    """Store one feed item; return "new", "updated", "unchanged" or "skipped"."""
    identity = feed_item.identity
    existing = WireItem.objects.filter(source=source, identity_key=identity_key(identity)).first()
    digest = content_hash(feed_item)
    if existing is not None and existing.content_hash == digest:
        return "unchanged"
    if existing is None and too_old(source, feed_item):
        return "skipped"
    story = extract_story(feed_item, fetcher)
    if existing is not None:
        update_item(existing, feed_item, story, digest)
        return "updated"
    item = WireItem(
        source=source,
        identity=identity,
        content_hash=digest,
        section=source.section,
        raw=feed_item.raw,
        **story,
    )
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        # Another poll stored it between our look-up and our insert.
        return "unchanged"
    apply_rules(item)
    return "new"


def too_old(source, feed_item):
    if not source.max_age_days or not feed_item.published:
        return False
    return feed_item.published < timezone.now() - timedelta(days=source.max_age_days)


def extract_story(feed_item, fetcher):
    """The WireItem fields of the story: from the article page, else from the feed."""
    feed_html = feed_item.content_html or feed_item.summary_html or ""
    fields = {
        "url": feed_item.url,
        "title": (feed_item.title or "").strip()[:500],
        "author": (feed_item.author or "")[:300],
        "summary": plain_text(feed_item.summary_html),
        "image_url": feed_item.image or "",
        "published_at": feed_item.published,
        "from_feed_only": False,
        "extraction_note": "",
    }
    try:
        page = fetcher.fetch(feed_item.url, accept="text/html,application/xhtml+xml")
        extraction = extract(page.content, url=page.url, fast=conf.get("NEWSDESK_FAST_EXTRACTION"))
    except (FetchError, ExtractionError) as error:
        fields.update(
            html=sanitise_html(feed_html),
            text=plain_text(feed_html),
            from_feed_only=True,
            extraction_note=f"Article page not used ({error}); the text is the feed's own.",
        )
    else:
        fields.update(html=extraction.html, text=extraction.text, language=extraction.language or "")
        fields["title"] = fields["title"] or (extraction.title or "")[:500]
        fields["author"] = fields["author"] or (extraction.author or "")[:300]
        fields["image_url"] = fields["image_url"] or (extraction.image or "")
    if not fields["title"]:
        fields["title"] = feed_item.url[:500]
    if not fields["html"].strip():
        fields["status"] = WireItem.Status.FAILED
        fields["status_reason"] = "No story text: neither the page nor the feed had any."
    return fields


def update_item(item, feed_item, story, digest):
    WireItemVersion.objects.create(item=item, title=item.title, html=item.html, text=item.text, raw=item.raw)
    for name, value in story.items():
        if name not in {"status", "status_reason"}:
            setattr(item, name, value)
    item.raw = feed_item.raw
    item.content_hash = digest
    item.save()


def record_success(source, outcome):
    now = timezone.now()
    interval = source.poll_interval
    hint = outcome.come_back_after
    if hint and hint > interval:
        # The server asked us to come back later (Cache-Control); a day at most.
        interval = min(hint, timedelta(days=1))
    Source.objects.filter(pk=source.pk).update(
        etag=source.etag,
        last_modified=source.last_modified,
        last_polled_at=now,
        last_success_at=now,
        consecutive_failures=0,
        next_poll_at=now + interval,
    )


def record_failure(source, reason, retry_after):
    now = timezone.now()
    failures = source.consecutive_failures + 1
    # Back off from the source's own pace: a feed polled every 15 minutes is
    # retried after 15, 30, 60… minutes, up to a day.
    delay = backoff(failures, base=source.poll_interval, retry_after=retry_after)
    Source.objects.filter(pk=source.pk).update(
        last_polled_at=now,
        last_error=reason,
        last_error_at=now,
        consecutive_failures=failures,
        next_poll_at=now + delay,
    )
    logger.warning("Source %s failed (%d in a row): %s", source, failures, reason)


def poll_due_sources(fetcher=None, now=None, holder="newsdesk"):
    """Poll every due source once, in turn; return their outcomes."""
    own_fetcher = fetcher is None
    fetcher = fetcher or make_fetcher()
    try:
        outcomes = []
        for source in due_sources(now):
            outcome = poll_source(source, fetcher, holder=holder)
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes
    finally:
        if own_fetcher:
            fetcher.close()
