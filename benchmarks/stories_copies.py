"""Copies generated from real articles, and distinct stories to tell them from: the copy-detection test set.

Imported by benchmarks/stories.py. The articles are BBC News stories read
from ../shared/data/classification/bbc_news and never copied into the
repository.
"""

import random
from pathlib import Path

BBC_NEWS = Path(__file__).resolve().parents[2] / "shared" / "data" / "classification" / "bbc_news"

# What copiers put around a story: their own headers, calls to share and
# subscribe, related links and copyright lines.
BOILERPLATE_BEFORE = [
    "Home » News » Latest. Follow us on Facebook and Twitter for the latest updates.",
    "Advertisement. Subscribe to our newsletter and never miss a story. Sign up today, it only takes a minute.",
    "Posted by Staff Writer in Top Stories. Reading time: 4 minutes. Listen to this article.",
]
BOILERPLATE_AFTER = [
    "Share this: Facebook Twitter WhatsApp Email. Like this: Like Loading... Related posts: The ten stories "
    "everyone is reading this week. Why the markets moved today. Leave a reply. Your email address will not "
    "be published. Required fields are marked.",
    "© 2026, Daily Wire Digest. All rights reserved. This material may not be published, broadcast, rewritten "
    "or redistributed. Recent Posts: Storm warning for the weekend. Council approves new budget. Local team "
    "wins the cup.",
    "Source: agencies. Tags: news, world, business, politics. Comments are closed. You may also like: "
    "Five things to know today; The week in pictures; Our readers' letters.",
]
HEADLINE_PREFIXES = ["BREAKING: ", "Report: ", "Watch: ", "", "UPDATE - "]
LIGHT_EDITS = [("said", "stated"), ("the", "the"), ("has", "had"), ("will", "would"), ("but", "however")]


def read_bbc(limit=None):
    """[(headline, [paragraphs])] of the BBC stories, skipping the dataset's verbatim duplicates."""
    stories, seen = [], set()
    for path in sorted(BBC_NEWS.glob("*/*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="latin-1").split("\n") if line.strip()]
        if len(lines) < 4 or lines[1] in seen:
            continue
        seen.add(lines[1])
        stories.append((lines[0], lines[1:]))
    return stories[:limit]


def light_edit(paragraphs, rng, share=0.05):
    """Change about `share` of the paragraphs' words as a sub-editor would: a verb here, a tense there."""
    edited = []
    for paragraph in paragraphs:
        words = paragraph.split()
        for i in range(len(words)):
            if rng.random() < share:
                old, new = rng.choice(LIGHT_EDITS)
                words[i] = new if words[i] == old else words[i] + ("," if rng.random() < 0.5 else "")
        edited.append(" ".join(words))
    return edited


def make_copy(headline, paragraphs, kind, rng):
    """(original text, copy text) for one kind of copying."""
    original = [headline, *paragraphs]
    body = list(paragraphs)
    if kind == "boilerplate added":
        return original, [rng.choice(BOILERPLATE_BEFORE), headline, *body, rng.choice(BOILERPLATE_AFTER)]
    if kind == "boilerplate removed":
        return [rng.choice(BOILERPLATE_BEFORE), *original, rng.choice(BOILERPLATE_AFTER)], [headline, *body]
    if kind == "paragraphs reordered":
        rng.shuffle(body)
        return original, [headline, *body]
    if kind == "paragraphs trimmed":
        keep = max(2, round(len(body) * 0.7))
        return original, [headline, *body[:keep]]
    if kind == "headline changed":
        return original, [rng.choice(HEADLINE_PREFIXES) + " ".join(reversed(headline.split())), *body]
    # All of it at once: another outlet's boilerplate, a new headline, the
    # last paragraphs cut, two paragraphs swapped and a few words changed.
    keep = body[:max(2, round(len(body) * 0.8))]
    if len(keep) > 2:
        i = rng.randrange(len(keep) - 1)
        keep[i], keep[i + 1] = keep[i + 1], keep[i]
    return original, [rng.choice(BOILERPLATE_BEFORE), rng.choice(HEADLINE_PREFIXES) + headline,
                      *light_edit(keep, rng), rng.choice(BOILERPLATE_AFTER)]


COPY_KINDS = ["boilerplate added", "boilerplate removed", "paragraphs reordered", "paragraphs trimmed",
              "headline changed", "all of these"]


def copy_pairs(stories, seed=0):
    """[(kind, text a, text b, is_copy)]: one copy of each kind per story, and as many distinct pairs.

    Half the distinct pairs are neighbours in file order, which share a
    section, half are drawn at random; a third carry the same copier's
    boilerplate around both stories.
    """
    rng = random.Random(seed)
    pairs = []
    for number, (headline, paragraphs) in enumerate(stories):
        kind = COPY_KINDS[number % len(COPY_KINDS)]
        original, copy = make_copy(headline, paragraphs, kind, rng)
        pairs.append((kind, "\n\n".join(original), "\n\n".join(copy), True))
    for number, (headline, paragraphs) in enumerate(stories):
        other = stories[(number + 1) % len(stories)] if number % 2 else rng.choice(stories)
        if other[0] == headline:
            continue
        a, b = [headline, *paragraphs], [other[0], *other[1]]
        if number % 3 == 0:
            # One copier's two stories: the same boilerplate around different texts.
            before, after = rng.choice(BOILERPLATE_BEFORE), rng.choice(BOILERPLATE_AFTER)
            a, b = [before, *a, after], [before, *b, after]
        pairs.append(("distinct", "\n\n".join(a), "\n\n".join(b), False))
    return pairs
