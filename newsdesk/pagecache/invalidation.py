"""Purging exactly the pages an edit changes.

Every page is stored with the tags of what it showed (dependencies.py).
An edit purges:

- a story published, updated, unpublished, moved or deleted: every page
  that showed it ("story:<id>": its own page, list pages, Recent Posts
  blocks, feeds, search results); when it joins or leaves a list (first
  publication, withdrawal, a new section, author or tag), every page of the
  lists it joins or leaves (its section, authors and tags, home, the site's
  feed and search), and Recent Posts everywhere when it is among the newest;
- a section: every page that showed it (the navigation is on every page);
- an author or a tag: the pages that showed it and its own list;
- the newsroom settings or the site: everything.

Purges run when the transaction commits, once per transaction whatever the
number of signals, then the same URLs are purged from the CDN or reverse
proxy named in NEWSDESK_CACHE_PURGE_URLS (a background task).
"""

import logging
import threading

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from newsdesk import conf

from .configured import policy
from .dependencies import ANY_STORY
from .versions import bump_content_version, content_version  # noqa: F401  (content_version is public)

logger = logging.getLogger(__name__)

# Page fields that a draft save changes without changing the live page.
BOOKKEEPING_FIELDS = {
    "latest_revision", "latest_revision_created_at", "draft_title", "has_unpublished_changes",
    "locked", "locked_at", "locked_by", "expired", "go_live_at", "expire_at",
}
EVERYTHING = object()
UNKNOWN = object()  # a story's state before a change nobody recorded

_pending = threading.local()


def _batch():
    """This thread's purges, waiting for the transaction to commit."""
    batch = getattr(_pending, "batch", None)
    if batch is None:
        batch = _pending.batch = {"tags": set(), "stories": {}, "everything": False}
    return batch


def _schedule():
    # Outside a transaction the change is already saved: purge now. Inside
    # one, purge when it commits (a rolled-back change purges nothing new).
    if transaction.get_connection().in_atomic_block:
        # Fragments cached by content version (Recent Posts, the navigation)
        # are dropped now as well as at the commit: the transaction's own
        # later reads then see its changes too.
        bump_content_version()
        transaction.on_commit(_flush)  # once per signal; the first flush empties the batch
    else:
        _flush()


def purge_tags(*tags):
    _batch()["tags"].update(tags)
    _schedule()


def purge_everything():
    _batch()["everything"] = True
    _schedule()


def remember_state(story_id, before):
    """Keep a story's state from before a change (None: it did not exist), the first one seen."""
    stories = _batch()["stories"]
    if stories.get(story_id, UNKNOWN) is UNKNOWN:
        stories[story_id] = before


def story_changed(story_id, before=UNKNOWN):
    """Purge for a changed story; `before` is its state before the change when known."""
    remember_state(story_id, before)
    _schedule()


def _flush():
    batch = getattr(_pending, "batch", None)
    _pending.batch = None
    if batch is None:
        return
    tags = set(batch["tags"])
    for story_id, before in batch["stories"].items():
        tags |= story_tags(story_id, None if before is UNKNOWN else before, story_state(story_id))
    if tags or batch["everything"]:
        purge(EVERYTHING if batch["everything"] else tags)


def purge(tags):
    """Remove the pages carrying `tags` (or every page) now, and from the CDN in the background."""
    bump_content_version()
    store = policy().store
    if store is None:
        return []
    try:
        urls = store.clear() if tags is EVERYTHING else store.invalidate(sorted(tags))
    except Exception:
        # A cache that cannot be purged must not lose the editor's change:
        # the pages expire by their lifetime, and the error is logged.
        logger.exception("Could not purge the page cache")
        return []
    if urls and (conf.get("NEWSDESK_CACHE_PURGE_URLS") or getattr(settings, "WAGTAILFRONTENDCACHE", None)):
        from .tasks import purge_frontend

        purge_frontend.enqueue(urls)
    return urls


# What a story's lists depend on ------------------------------------------


def story_state(story_id):
    """What decides which lists show the story: live, section, authors, tags, publication time."""
    from newsdesk.stories.models import ArticleAuthor, ArticlePage, ArticleTag
    from wagtail.models import Page

    row = ArticlePage.objects.filter(pk=story_id).values("live", "path", "first_published_at").first()
    if row is None:
        return None
    section = Page.objects.filter(path=row["path"][: -Page.steplen]).values_list("pk", flat=True).first()
    return {
        "live": row["live"],
        "section": section,
        "first_published_at": row["first_published_at"],
        "authors": frozenset(ArticleAuthor.objects.filter(article_id=story_id).values_list("author_id", flat=True)),
        "tags": frozenset(ArticleTag.objects.filter(content_object_id=story_id).values_list("tag_id", flat=True)),
    }


def list_tags(state):
    if not state or not state["live"]:
        return set()
    return {
        "list:home", "list:site", f"list:section:{state['section']}",
        *(f"list:author:{pk}" for pk in state["authors"]),
        *(f"list:tag:{pk}" for pk in state["tags"]),
    }


def story_tags(story_id, before, after):
    tags = {f"story:{story_id}", "sitemap", ANY_STORY}
    if before == after:
        return tags  # a draft saved, or nothing a list depends on changed
    before_lists, after_lists = list_tags(before), list_tags(after)
    if before is None or after is None or before["live"] != after["live"] or \
            before["first_published_at"] != after["first_published_at"]:
        # It joins or leaves its lists, and every page of each shifts by one.
        tags |= before_lists | after_lists
    else:
        tags |= before_lists ^ after_lists
    if after and after["live"] and among_recent(after["first_published_at"]):
        tags.add("list:recent")
    return tags


def among_recent(published_at):
    """Whether a story published at `published_at` shows in Recent Posts (on some page)."""
    from newsdesk.branding.models import NewsroomSettings
    from newsdesk.stories.models import ArticlePage

    if published_at is None:
        return True
    shown = max(NewsroomSettings.objects.values_list("recent_posts_count", flat=True), default=10) + 1
    newer = ArticlePage.objects.live().filter(first_published_at__gt=published_at)[:shown].count()
    return newer < shown


# Signal receivers ---------------------------------------------------------


def _is_story(instance):
    from newsdesk.stories.models import ArticlePage

    return isinstance(instance, ArticlePage)


def before_page_save(sender, instance, update_fields=None, **kwargs):
    if not _is_story(instance) or instance.pk is None:
        return
    if update_fields is not None and set(update_fields) <= BOOKKEEPING_FIELDS:
        return
    # pre_save runs outside the save's transaction: remember, purge after the save.
    remember_state(instance.pk, story_state(instance.pk))


def after_page_save(sender, instance, created=False, update_fields=None, **kwargs):
    if not _is_story(instance):
        return
    if update_fields is not None and set(update_fields) <= BOOKKEEPING_FIELDS:
        return
    story_changed(instance.pk, None if created else UNKNOWN)


def page_event(sender, instance, **kwargs):
    from newsdesk.stories.models import ArticlePage, SectionPage

    page = instance.specific_deferred if hasattr(instance, "specific_deferred") else instance
    if isinstance(page, ArticlePage):
        story_changed(page.pk)
    elif isinstance(page, SectionPage):
        purge_tags(f"section:{page.pk}", f"list:section:{page.pk}", "list:home", "sitemap", ANY_STORY)
    else:
        purge_everything()


def page_moved(sender, instance, parent_page_before=None, parent_page_after=None, **kwargs):
    page_event(sender, instance)
    if parent_page_before is not None:
        purge_tags(f"list:section:{parent_page_before.pk}")


def page_deleted(sender, instance, **kwargs):
    from newsdesk.stories.models import ArticlePage

    if isinstance(instance, ArticlePage):
        purge_tags(f"story:{instance.pk}", "list:home", "list:site", "list:recent", "sitemap", ANY_STORY)
        parent_path = instance.path[: -instance.steplen]
        from wagtail.models import Page

        section = Page.objects.filter(path=parent_path).values_list("pk", flat=True).first()
        if section:
            purge_tags(f"list:section:{section}")
    else:
        page_event(sender, instance)


def author_changed(sender, instance, **kwargs):
    purge_tags(f"author:{instance.pk}", f"list:author:{instance.pk}", "sitemap")


def tag_changed(sender, instance, **kwargs):
    purge_tags(f"tag:{instance.pk}", f"list:tag:{instance.pk}", "sitemap")


def everything_changed(sender, instance, **kwargs):
    purge_everything()


def connect():
    from taggit.models import Tag
    from wagtail.models import PageViewRestriction, Site

    from newsdesk.branding.models import NewsroomSettings
    from newsdesk.stories.models import ArticlePage, Author, HomePage, SectionPage

    uid = "pagecache"
    pre_save.connect(before_page_save, sender=ArticlePage, dispatch_uid=f"{uid}-pre-save")
    post_save.connect(after_page_save, sender=ArticlePage, dispatch_uid=f"{uid}-post-save")
    page_published.connect(page_event, dispatch_uid=f"{uid}-published")
    page_unpublished.connect(page_event, dispatch_uid=f"{uid}-unpublished")
    post_page_move.connect(page_moved, dispatch_uid=f"{uid}-moved")
    for model in (ArticlePage, SectionPage, HomePage):
        post_delete.connect(page_deleted, sender=model, dispatch_uid=f"{uid}-deleted-{model._meta.label}")
    for model in (Author,):
        post_save.connect(author_changed, sender=model, dispatch_uid=f"{uid}-author-saved")
        post_delete.connect(author_changed, sender=model, dispatch_uid=f"{uid}-author-deleted")
    post_save.connect(tag_changed, sender=Tag, dispatch_uid=f"{uid}-tag-saved")
    post_delete.connect(tag_changed, sender=Tag, dispatch_uid=f"{uid}-tag-deleted")
    # A page made private (or public again) changes what every reader may see below it.
    for model in (NewsroomSettings, Site, PageViewRestriction):
        post_save.connect(everything_changed, sender=model, dispatch_uid=f"{uid}-{model._meta.label}-saved")
        post_delete.connect(everything_changed, sender=model, dispatch_uid=f"{uid}-{model._meta.label}-deleted")
