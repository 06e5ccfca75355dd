"""Choosing a story's section: the site's model (else the descriptions), the feed's categories, the source's prior."""

from dataclasses import dataclass, field

from newsdesk import conf
from newsdesk.stories.models import SectionPage

from .descriptions import WORD, DescriptionMatcher, stem
from .modelfile import usable_model

# The model reads the opening of a story; past this many characters the
# text only costs time (headline and first paragraphs carry the section).
MAX_TEXT_CHARS = 4000
SUGGESTIONS = 3
# How much a source's usual section counts: its probability is raised by a
# quarter before the others are scaled back to a total of one. Enough to
# settle a story the text leaves evenly in doubt; too little to outvote a
# text that leans elsewhere (0.4 elsewhere against 0.3 stays elsewhere:
# 0.4 against 0.375).
# Half (0.5) sent a regional council's appointment from a world-news wire
# to World in the demo desk; a quarter leaves it in Politics.
PRIOR_BOOST = 0.25
# The share of the evidence given to the item's own categories when one
# names a section of ours: the outlet's editor filed this very story there.
# At 0.4 the category decides unless the text is far surer of another
# section (by two thirds or more), and the section it names never falls
# below 0.4: such an item is held only where NEWSDESK_SECTION_CONFIDENCE is
# set higher than its default. With only the demo's 44 stories to learn
# from, the model alone files 12 of the demo outlets' 18 stories right;
# with their feeds' categories, all 18.
CATEGORY_WEIGHT = 0.4


@dataclass(frozen=True)
class Filing:
    """Where a story goes: the section, how sure, the best suggestions, and by which method."""

    section: SectionPage
    confidence: float
    suggestions: list = field(default_factory=list)  # [(SectionPage, probability)], best first
    method: str = "model"  # or "descriptions", on a site with no model yet

    @property
    def uncertain(self):
        """Below NEWSDESK_SECTION_CONFIDENCE: an editor should choose."""
        return self.confidence < conf.get("NEWSDESK_SECTION_CONFIDENCE")

    def suggestions_for_storage(self):
        """[[section id, probability], ...] as a wire item keeps them."""
        return [[section.pk, round(probability, 4)] for section, probability in self.suggestions]


def story_text(title, *parts):
    """The text the model reads for a story: headline, then standfirst or summary, then body."""
    text = "\n".join(part.strip() for part in (title, *parts) if part and part.strip())
    return text[:MAX_TEXT_CHARS]


def live_sections():
    return list(SectionPage.objects.live().order_by("path"))


def file_story(title, text, prior=None, categories=(), sections=None):
    """The Filing for a story, or None when the site has no live section to file it in.

    `text` is the story's text without its headline; `prior` is the
    section its source usually files under, which tips a close call;
    `categories` are the outlet's own categories for the story (a feed's
    <category> or tags), which count when one is the name of a section.
    """
    sections = live_sections() if sections is None else sections
    if not sections:
        return None
    by_key = {str(section.pk): section for section in sections}
    distribution, method = model_distribution(story_text(title, text), by_key), "model"
    if distribution is None:
        distribution, method = description_distribution(title, text, sections), "descriptions"
    distribution = with_prior(distribution, str(prior.pk) if prior is not None else None)
    distribution = with_categories(distribution, named_sections(categories, sections))
    ranked = sorted(distribution.items(), key=lambda pair: pair[1], reverse=True)
    suggestions = [(by_key[key], probability) for key, probability in ranked[:SUGGESTIONS]]
    section, confidence = suggestions[0]
    return Filing(section=section, confidence=confidence, suggestions=suggestions, method=method)


def model_distribution(text, by_key):
    """{section key: probability} from the site's model over the live sections, or None without a model.

    A section the model never saw gets nothing; a section deleted since it
    was trained is left out and the rest scaled back to a total of one.
    """
    classifier = usable_model()
    if classifier is None:
        return None
    prediction = classifier.predict([text], top=len(classifier.labels))[0]
    distribution = {key: 0.0 for key in by_key}
    for label, probability in prediction.top:
        if label in distribution:
            distribution[label] = float(probability)
    if not any(distribution.values()):
        return None  # it knows none of today's sections: as good as no model
    return normalised(distribution)


def description_distribution(title, text, sections):
    matcher = DescriptionMatcher([(str(section.pk), section.title, section.description) for section in sections])
    return matcher.distribution(title, text)


def with_prior(distribution, prior_key):
    if prior_key not in distribution:
        return distribution
    boosted = dict(distribution)
    boosted[prior_key] *= 1 + PRIOR_BOOST
    return normalised(boosted)


def name_key(name):
    return " ".join(stem(word) for word in WORD.findall(name or ""))


def named_sections(categories, sections):
    """Keys of the sections whose name or slug a category gives ("Sport" names Sports)."""
    wanted = {name_key(category) for category in categories or ()} - {""}
    if not wanted:
        return []
    return [
        str(section.pk) for section in sections
        if name_key(section.title) in wanted or name_key(section.slug.replace("-", " ")) in wanted
    ]


def with_categories(distribution, keys):
    if not keys:
        return distribution
    share = CATEGORY_WEIGHT / len(keys)
    return {
        key: (1 - CATEGORY_WEIGHT) * value + (share if key in keys else 0.0) for key, value in distribution.items()
    }


def normalised(distribution):
    total = sum(distribution.values())
    if total <= 0:
        return {key: 1 / len(distribution) for key in distribution}
    return {key: value / total for key, value in distribution.items()}
