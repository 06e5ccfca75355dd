"""Turn a wire item into an article on the site, credited to its source."""

import enum

from django.db import transaction
from django.utils.text import slugify

from newsdesk.stories.excerpts import cut_excerpt
from newsdesk.stories.models import ArticlePage, ArticleAuthor, Author, SectionPage

from .blocks import body_blocks
from .models import WireItem

STANDFIRST_LENGTH = 280


def source_author(source):
    """The byline for a source's stories: an author named after the source."""
    slug = slugify(f"{source.name}-wire")[:200] or f"source-{source.pk}"
    author, _ = Author.objects.get_or_create(
        slug=slug, defaults={"name": source.name, "bio": f"Stories from {source.name}, via the wire desk."}
    )
    return author


def unique_slug(section, title):
    base = slugify(title)[:80].strip("-") or "wire-story"
    slug, number = base, 2
    while ArticlePage.objects.child_of(section).filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


def target_section(item, chosen=None):
    """Where `item` goes: the chosen section, else its own, else the site's first (None if the site has none)."""
    section = chosen or item.section or SectionPage.objects.live().first()
    return section.specific if section is not None else None


def may_file_into(user, section):
    """Whether `user` may create a story in `section`: Wagtail's "add" page permission there.

    Every desk action that writes asks this of the item's section, so the
    desk never lets someone do to a section what the page editor would not.
    """
    return ArticlePage.can_create_at(section) and section.permissions_for_user(user).can_add_subpage()


@transaction.atomic
def publish_item(item, section=None, user=None, live=True):
    """Create the article for `item` in `section`; publish it unless `live` is False (a draft to edit).

    No permission check: the desk checks the acting user's first (see
    `publish_item_as`), and rules publish on the newsroom's own authority.
    """
    section = target_section(item, section)
    if section is None:
        raise ValueError("The site has no section to publish into.")
    article = ArticlePage(
        title=item.title[:255],
        slug=unique_slug(section, item.title),
        standfirst=cut_excerpt(item.summary or item.text, STANDFIRST_LENGTH),
        body=body_blocks(item.html),
        source_name=item.source.name,
        source_url=item.url,
        owner=user,
        live=False,
    )
    article.article_authors = [ArticleAuthor(author=source_author(item.source))]
    section.add_child(instance=article)
    revision = article.save_revision(user=user)
    if live:
        publish_revision(item, revision, user)
    item.article = article
    item.section = section
    item.decide_at = None  # published: no wait for the story's best report any more
    item.save()
    return article


def publish_revision(item, revision, user=None):
    revision.publish(user=user)
    item.status = WireItem.Status.PUBLISHED
    item.status_reason = f"Published by {user}" if user else item.status_reason


class Outcome(enum.StrEnum):
    """What the desk's Publish did with an item for the user who asked."""

    PUBLISHED = "published"
    IN_REVIEW = "in review"
    # The user may not publish and the section has no active review workflow.
    DRAFT = "draft"


@transaction.atomic
def publish_item_as(user, item, section=None):
    """The desk's Publish for `user`: live where they may publish, else a draft submitted for review.

    The caller has checked `may_file_into` first. As in Wagtail's own page
    editor, someone who may add stories but not publish them (a Contributor)
    sends the draft into the section's review workflow ("Editorial review"),
    where an editor approves or rejects it.
    """
    article = publish_item(item, section=section, user=user, live=False)
    if article.permissions_for_user(user).can_publish():
        publish_revision(item, article.get_latest_revision(), user)
        item.save(update_fields=["status", "status_reason", "updated_at"])
        return article, Outcome.PUBLISHED
    workflow = article.get_workflow()
    if workflow is None or not workflow.active:
        return article, Outcome.DRAFT
    workflow.start(article, user)
    item.status = WireItem.Status.HELD
    item.status_reason = f"In review: submitted by {user}"
    item.save(update_fields=["status", "status_reason", "updated_at"])
    return article, Outcome.IN_REVIEW
