"""The examples the model learns from: the site's published stories and editors' choices of section."""

from dataclasses import dataclass

from newsdesk.stories.models import ArticlePage

from .filing import story_text
from .models import SectionLabel

# The newest stories of each section are enough to learn it, and keep a
# retrain within its time budget on an archive of any size: a decade's
# million stories would take hours and teach little that these do not.
MAX_ARCHIVE_PER_SECTION = 2000


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # the section's page id
    origin: str  # "archive", or a SectionLabel origin


def article_text(article):
    return story_text(article.title, article.standfirst, article.body_text())


def archive_examples(sections, per_section=MAX_ARCHIVE_PER_SECTION):
    """Each live section's newest published stories."""
    examples = []
    for section in sections:
        stories = (
            ArticlePage.objects.live()
            .child_of(section)
            .only("title", "standfirst", "body")
            .order_by("-first_published_at", "-pk")[:per_section]
        )
        examples.extend(Example(article_text(story), str(section.pk), "archive") for story in stories)
    return examples


def label_examples(sections):
    """The editors' own choices, for sections still live."""
    keys = {section.pk for section in sections}
    rows = SectionLabel.objects.filter(section_id__in=keys).values_list("text", "section_id", "origin")
    return [Example(text, str(section_id), origin) for text, section_id, origin in rows]


def record_choice(text, section, suggested=None, user=None, origin=SectionLabel.Origin.DESK):
    """Keep an editor's choice of `section` for a story; the next retrain learns from it."""
    return SectionLabel.objects.create(
        text=text,
        section=section,
        suggested=suggested if suggested is not None and suggested.pk != section.pk else None,
        origin=origin,
        created_by=str(user or "")[:150],
    )


def new_labels_since(when):
    """Stories published and choices recorded after `when` (everything when it is None)."""
    stories = ArticlePage.objects.live()
    labels = SectionLabel.objects.all()
    if when is not None:
        stories = stories.filter(first_published_at__gt=when)
        labels = labels.filter(created_at__gt=when)
    return stories.count() + labels.count()
