"""Turn a wire item into an article on the site, credited to its source."""

from django.db import transaction
from django.utils.text import slugify
from lxml import html as lxml_html
from wagtail.rich_text import RichText

from newsdesk.stories.excerpts import cut_excerpt
from newsdesk.stories.models import ArticlePage, ArticleAuthor, Author, SectionPage

from .models import WireItem

STANDFIRST_LENGTH = 280


def source_author(source):
    """The byline for a source's stories: an author named after the source."""
    slug = slugify(f"{source.name}-wire")[:200] or f"source-{source.pk}"
    author, _ = Author.objects.get_or_create(
        slug=slug, defaults={"name": source.name, "bio": f"Stories from {source.name}, via the wire desk."}
    )
    return author


def body_blocks(html):
    """StreamField blocks from sanitised story HTML; quotations stay quotations."""
    if not html.strip():
        return []
    blocks = []
    for element in lxml_html.fragments_fromstring(html):
        if isinstance(element, str):
            if element.strip():
                blocks.append(("paragraph", RichText(f"<p>{element.strip()}</p>")))
            continue
        tag = element.tag
        if tag in {"h2", "h3", "h4"}:
            blocks.append(("heading", element.text_content().strip()))
        elif tag == "blockquote":
            cite = element.find(".//cite")
            attribution = ""
            if cite is not None:
                attribution = cite.text_content().strip()
                cite.drop_tree()
            blocks.append(("quote", {"quote": element.text_content().strip(), "attribution": attribution}))
        elif tag in {"p", "ul", "ol"}:
            markup = lxml_html.tostring(element, encoding="unicode")
            if element.text_content().strip():
                blocks.append(("paragraph", RichText(markup)))
        elif element.text_content().strip():
            blocks.append(("paragraph", RichText(f"<p>{element.text_content().strip()}</p>")))
    return blocks


def unique_slug(section, title):
    base = slugify(title)[:80].strip("-") or "wire-story"
    slug, number = base, 2
    while ArticlePage.objects.child_of(section).filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


@transaction.atomic
def publish_item(item, section=None, user=None, live=True):
    """Create the article for `item` in `section`; publish it unless `live` is False (a draft to edit)."""
    section = section or item.section or SectionPage.objects.live().first()
    if section is None:
        raise ValueError("The site has no section to publish into.")
    section = section.specific
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
        revision.publish(user=user)
        item.status = WireItem.Status.PUBLISHED
        item.status_reason = f"Published by {user}" if user else item.status_reason
    item.article = article
    item.section = section
    item.save()
    return article
