"""Filing by the sections' own names and descriptions, for a site with no archive to learn from yet."""

import math
import re
from collections import Counter

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
# Words that say nothing about a section, however often a story uses them.
STOP_WORDS = frozenset(
    """a about after all also an and any are as at be been before being but by can could did do does
    for from had has have he her his how if in into is it its just last more most my new news no not
    now of on one only or other our out over said says she so some than that the their them then there
    these they this those through to two up was we were what when where which while who will with
    would year years you your from everything people""".split()
)
# A section's name says more than any one word of its description.
NAME_WEIGHT = 3.0
# Scores are divided by this before they become probabilities: one shared
# word is a hint, not a certainty, and a story that names a section's words
# several times should still need more than one of them to pass the desk's
# confidence threshold.
TEMPERATURE = 2.0


def stem(word):
    """A crude stem, so "elections" meets "election" and "markets" meets "market"."""
    word = word.lower().replace("’", "'")
    word = word.removesuffix("'s")
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            return word[: -len(suffix)] + replacement
    return word


def words(text):
    return [stem(word) for word in WORD.findall(text or "") if len(word) > 2 and word.lower() not in STOP_WORDS]


class DescriptionMatcher:
    """Scores a story against each section's name and description.

    A word shared by every section's description tells nothing, so each
    word weighs by how few sections use it (inverse document frequency).
    """

    def __init__(self, sections):
        """`sections`: (key, name, description) for each section."""
        self.keys = [key for key, _, _ in sections]
        self.vocabularies = []
        for _, name, description in sections:
            vocabulary = Counter(words(description))
            for word in words(name):
                vocabulary[word] += NAME_WEIGHT
            self.vocabularies.append(vocabulary)
        counts = Counter(word for vocabulary in self.vocabularies for word in vocabulary)
        total = len(self.vocabularies)
        self.weights = {word: math.log(1 + total / count) for word, count in counts.items()}

    def distribution(self, title, text):
        """{key: probability} for the story; even when no section's words appear in it."""
        story = Counter(words(text))
        for word in words(title):
            story[word] += 2  # a headline word is worth two of the body's
        scores = []
        for vocabulary in self.vocabularies:
            shared = (word for word in vocabulary if word in story)
            scores.append(sum(self.weights[word] * vocabulary[word] * math.log1p(story[word]) for word in shared))
        top = max(scores, default=0.0)
        exps = [math.exp((score - top) / TEMPERATURE) for score in scores]
        total = sum(exps)
        return {key: value / total for key, value in zip(self.keys, exps)}
