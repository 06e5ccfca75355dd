"""Boilerplate: which blocks of an extracted page are the page's furniture, not the story.

trafilatura picks the article container; what it lets through around the
story (share rows, copyright lines, bylines, "Recent Posts" boxes, credits,
labels) is judged here block by block, from the shape of the page rather than
from its words:

- **position**: the story is a run of prose paragraphs; short blocks before the
  first of them or after the last (the page's edges) are labels, bylines,
  share prompts and teasers, while the same short block between two
  paragraphs is usually a subheading or a one-line paragraph and stays;
- **link density**: a block whose text is mostly links is a menu, a share row
  or a teaser list, unless it is a sentence inside the prose;
- **shape**: a label ("Tags: …", "Foto: dpa", "Lesen Sie auch: …", "7 hours
  ago") is short and does not end like a sentence; "Share prices fell 3% on
  Monday." does;
- **whole block, not a sentence in prose**: a rule only ever removes a whole
  block of one line; a sentence inside a paragraph is never touched;
- **repetition**: a block found on most pages of one source (its footer, its
  newsletter box: see newsdesk/wire/source_boilerplate.py) is furniture.

A few shapes need a word to be recognised at all (a copyright line, a
"follow us" prompt); each of them is only dropped when the block's structure
agrees as well (a whole short block, written to the reader, a name after the
year), so that "(c) the council must publish …" or "Follow the money on
Twitter, the campaign said." stay.

Pure Python on plain data: nothing here knows trafilatura or Django.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

__all__ = ["Block", "block_digest", "drop_boilerplate", "is_sentence"]

# A prose paragraph, the thing the story is made of: a line of at least this
# many words that ends like a sentence. Shorter sentences count as prose only
# between two such paragraphs. 12 words is about one long sentence: swept
# 8-20 on the tuning part of the evaluation set, 10-14 score the same.
PROSE_MIN_WORDS = 12
# The longest block the shape rules judge: a block this long is a paragraph.
SHORT_BLOCK_WORDS = 30
# A link-dense block: at least this share of its characters sits in links.
LINK_DENSE_SHARE = 0.5
# A label: this many words at most ("Photo: Jane Doe / Reuters", "Tags: …").
LABEL_MAX_WORDS = 14
# Blocks longer than this are never hashed for per-source learning: a story's
# own paragraphs are long and unique, a source's furniture is short.
DIGEST_MAX_CHARACTERS = 400

# How a sentence ends: terminal punctuation, maybe inside closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?。！？](?:[\"'”’»)\]]*)$")
# An excerpt cut short ("Dock workers accepted…"): a teaser, not a sentence.
_CUT = re.compile(r"(?:…|\.\.\.|\[…\]|\[\.\.\.\])\s*[\"'”’»)\]]*$")
# "Label: value" with a label of one to three words.
_LABEL = re.compile(r"^\W{0,2}[^\W\d_][\w'’.-]*(?:\s+[\w'’.-]+){0,2}\s*[:|»›>]\s*\S")
# A copyright line: the sign or the word, an optional year (range), then a name
# or a sign-off, never a lowercase word running on ("(c) the council must …",
# "Copyright 2020 lawsuits rose …").
_COPYRIGHT = re.compile(
    r"^(?i:©|\(c\)|copyright\b)\s*(?i:©|\(c\))?\s*(?:\d{4}(?:\s*[-–/]\s*\d{2,4})?\b)?[\s,.:]*"
    r"(?:[A-ZÀ-ÖØ-Þ]|(?i:all rights|alle rechte|tous droits|todos los derechos)|$)"
)
_RIGHTS_RESERVED = re.compile(
    r"\b(?:all rights reserved|alle rechte vorbehalten|tous droits réservés|todos los derechos reservados|tutti i diritti riservati)\b",
    re.IGNORECASE,
)
# Prompts written to the reader: a network named, and the reader addressed
# ("us", "uns", "nous", "nos", "nuestras", an @handle) — a report of someone
# else's tweet addresses nobody.
_NETWORK = re.compile(r"\b(?:twitter|facebook|instagram|telegram|linkedin|youtube|tiktok|whatsapp|mastodon|bluesky|threads|x)\b", re.IGNORECASE)
_TO_THE_READER = re.compile(
    r"(?:^|\s)(?:us|uns|nous|nos|nuestr[oa]s?|síguenos|siguenos|suivez-nous|folgen sie uns|our|unsere[mnrs]?|notre|nuestra)\b|@\w",
    re.IGNORECASE,
)
_SHARE_OR_FOLLOW = re.compile(
    r"^\W*(?:share|teilen|partager|partagez|compartir|comparte|condividi|follow|folgen|suivez|síguenos|siguenos)\b",
    re.IGNORECASE,
)
_NEWSLETTER = re.compile(r"newsletter|boletín|lettre d'information|infolettre", re.IGNORECASE)
# A byline standing alone at the page's edge: "By Jane Doe", "Von Hans Müller", "Par Amélie Rousseau", "Por Ana Gil".
# Names are capitalised, which keeps "By noon, …".
_BYLINE = re.compile(r"(?:By|Von|Par|Por|Di)\s+[A-ZÀ-ÖØ-Þ][\w'’.-]*(?:\s+(?:[A-ZÀ-ÖØ-Þ][\w'’.-]*|and|und|et|y|e|&|de|van|von|del|la|le)){0,8}")


# Labels and prompts that need their words to be recognised. A cue only ever
# condemns a whole line that does not end like a sentence: "Read more: …",
# "Tags: …", "Foto: dpa", "Advertisement", "Share on Facebook", "Sign up for
# our newsletter", "7 hours ago". Each is anchored and length-bounded.
_CUE_LABELS = [
    # share prompts: "Share this:", "Share on Facebook", "Teilen mit:"
    r"(?:share|teilen|partager|compartir|condividi|udostępnij)(?:\s+(?:this|it|on|via|mit|article|story|post|page|now|with|diesen|artikel|cet|article|en|sur|auf))*\s*[:!.]?(?:\s.{0,60})?",
    # newsletter and subscription prompts: "Sign up for the CorkBeo newsletter", "PC Gamer Newsletter"
    r"(?:sign up|subscribe|abonnieren sie|suscr[ií]bete|inscrivez-vous|abonnez-vous)\b.{0,150}",
    # teasers for other stories: "Read more: …", "Lesen Sie auch: …", "À lire aussi » …", "Lea también: …"
    (
        r"(?:read more|read also|also read|read next|see also|related|more from|more|recommended|you may also like|you might also like|don't miss|"
        r"lesen sie (?:auch|mehr|hier)|auch lesen|schon gelesen|mehr zum thema|mehr themen|zum weiterlesen|weiterlesen|auch interessant|"
        r"das könnte sie auch interessieren|weitere artikel|weitere themen|à lire aussi|lire aussi|voir aussi|lee también|leer también|lea también|"
        r"vea también|lee más|leer más|más sobre|te puede interesar|le puede interesar|czytaj (?:też|także|również|więcej)|"
        r"dowiedz się więcej|leggi anche|notas relacionadas|noticias relacionadas)"
        r"\s*(?:[:»>|?–-].{0,150})?"
    ),
    # bylines, dates and ages, which the metadata carries
    r"(?:published|posted|written|reported|edited) by:?\s+\S.{0,80}",
    r"(?:updated |published )?\d+ (?:second|minute|hour|day|week|month|year)s? ago",
    r"(?:release date|published|veröffentlicht|updated|aktualisiert)(?: on| am)?\s*:.{0,40}",
    # filing labels: "Category: Press Releases", "Tags: …"
    r"(?:category|categories|kategorie|tags?|schlagworte|etiquetas|filed under|topics)\s*:.{0,150}",
    # picture credits: "Photo: Jane Doe", "(Bild: dpa)", "Photograph: Getty Images", "Beitragsbild"
    r"\(?(?:photo|photograph|image|picture|illustration|credit|foto|bild|fotos|photos|credits|titelbild|beitragsbild)(?: credits?)?\s*(?::.{0,120})?\)?",
    # advertising labels: "Advertisement", "Anzeige, enthält Affiliate Links", "*Werbung. …"
    r"\*?(?:advertisement|anzeige|werbung|publicidad|publicité|sponsored(?: content| post)?|paid (?:post|content)|ad)(?:\s*[,.:–-]\s*.{0,100})?",
    # comment prompts and counters
    r"(?:leave a (?:comment|reply)|\d+ comments?|comments?\s*\(\d+\)|no comments(?: yet)?|keine kommentare)",
]
_CUE_LABEL = re.compile("|".join(f"(?:{pattern})" for pattern in _CUE_LABELS), re.IGNORECASE)
# Prompts written as sentences to the reader, condemned in a short block
# wherever they stand: each entry is a set of phrases that must all occur, and
# the longest block it may condemn. None of them can be said about someone else.
_READER_PROMPTS = [
    # "Found this useful? Share it with your friends."
    ((re.compile(r"\b(?:share (?:this|it) (?:with|on)|teilen sie (?:dies|diesen))\b", re.IGNORECASE),), 160),
    # "Want more recipes? Subscribe to our newsletter and …"
    ((_NEWSLETTER, re.compile(r"\b(?:sign up|subscribe|abonn|inscri|suscr|register|inbox|posteingang)", re.IGNORECASE)), 300),
    # paywall prompts: "Subscribe now to our eNATION edition for the full story."
    ((re.compile(r"\b(?:for the full story|to continue reading|to read the full (?:story|article)|already a subscriber|pour lire la suite)\b", re.IGNORECASE),), 250),
    # "For the latest stories … download the Nationnews apps for iOS and Android."
    ((re.compile(r"\bdownload (?:the|our)\b", re.IGNORECASE), re.compile(r"\bapps?\b", re.IGNORECASE)), 180),
    # "This article is the copyrighted property of …", "Written permission must be obtained before reprint …"
    ((re.compile(r"\b(?:copyrighted property|may not be (?:published|reproduced|republished)|permission must be obtained)\b", re.IGNORECASE),), 300),
]
# A heading that opens a box of other stories; it and the teasers under it go.
_TEASER_HEADING = re.compile(
    r"(?:recent|related|popular|latest|more|top|trending|other|similar|further)\s+"
    r"(?:posts|articles|stories|news|reads|links|content|coverage|recipes)\s*:?|"
    r"related|see also|read also|recommended|you may also like|editor'?s picks|"
    r"most (?:read|popular|viewed|shared)|more on this story|read (?:more|next)|what to read next|"
    r"weitere (?:artikel|beiträge|meldungen|nachrichten|themen)|empfohlene beiträge|meistgelesen|mehr zum thema|mehr themen|"
    r"top-themen|das könnte (?:sie|dich) auch interessieren|auch interessant|"
    r"sur le même sujet|à lire aussi|articles (?:liés|similaires)|(?:notas|noticias|artículos) relacionad[oa]s|"
    r"te puede interesar|czytaj (?:też|także)|tags|schlagworte|comments|kommentare|newsletter",
    re.IGNORECASE,
)
# A teaser under such a heading: a short title, an excerpt cut with "…", an age.
TEASER_MAX_CHARACTERS = 120


@dataclass
class Block:
    """One top-level block of the extracted body, as the rules see it."""

    lines: list[str]
    link_characters: int = 0
    heading: bool = False
    is_list: bool = False
    text: str = field(init=False)
    words: int = field(init=False)

    def __post_init__(self):
        self.text = " ".join(self.lines)
        self.words = len(self.text.split())

    @property
    def link_density(self) -> float:
        """The share of the block's characters that sit in links."""
        return min(self.link_characters / (len(self.text) or 1), 1.0)

    @property
    def single_line(self) -> bool:
        return len(self.lines) == 1


@dataclass
class Context:
    """What a rule knows about a block's surroundings."""

    at_edge: bool  # before the first prose paragraph or after the last
    has_prose: bool
    learnt: frozenset[str] | set[str]


def is_sentence(text: str) -> bool:
    """Whether text ends like a sentence (and not like an excerpt cut with "…")."""
    text = text.strip()
    return bool(_SENTENCE_END.search(text)) and not _CUT.search(text)


def block_digest(text: str) -> str | None:
    """A short fingerprint of a block's text for per-source learning, or None for a block too long to be furniture."""
    key = " ".join(text.lower().split())
    if not key or len(key) > DIGEST_MAX_CHARACTERS:
        return None
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


# The rules. Each takes a block and its context and says whether the block is furniture.


def learnt_for_source(block: Block, context: Context) -> bool:
    """The block is on most pages of this source (its footer, its newsletter box)."""
    return bool(context.learnt) and block_digest(block.text) in context.learnt


def link_dense(block: Block, context: Context) -> bool:
    """Mostly links: a menu, share row or teaser list, unless it is a sentence inside the prose."""
    if block.link_density < LINK_DENSE_SHARE or (block.words > SHORT_BLOCK_WORDS and not block.is_list):
        return False
    sentence = block.single_line and is_sentence(block.text)
    return context.at_edge or not sentence or block.is_list


def label_with_value(block: Block, context: Context) -> bool:
    """"Label: value" that does not end like a sentence, at the page's edge ("Foto: dpa", "Tags: …")."""
    return (
        context.at_edge
        and block.single_line
        and block.words <= LABEL_MAX_WORDS
        and not is_sentence(block.text)
        and bool(_LABEL.match(block.text))
    )


def copyright_line(block: Block, context: Context) -> bool:
    """A copyright line: the sign or the word, maybe a year, then a name or a sign-off, in a whole short block."""
    text = block.text
    if not block.single_line or len(text) > 300:
        return False
    return bool(_COPYRIGHT.match(text)) or (bool(_RIGHTS_RESERVED.search(text)) and block.words <= 40)


def share_or_follow_prompt(block: Block, context: Context) -> bool:
    """"Share this", "Follow us on Twitter": a short block that is not a sentence, or is written to the reader."""
    text = block.text
    if not block.single_line or block.words > LABEL_MAX_WORDS or not _SHARE_OR_FOLLOW.match(text):
        return False
    if not is_sentence(text):
        return True
    return bool(_TO_THE_READER.search(text)) and (context.at_edge or bool(_NETWORK.search(text)))


def reader_prompt(block: Block, context: Context) -> bool:
    """A sentence to the reader: share it, subscribe for the full story, download the app, do not reprint."""
    text = block.text
    return any(len(text) <= limit and all(p.search(text) for p in phrases) for phrases, limit in _READER_PROMPTS)


def cue_label(block: Block, context: Context) -> bool:
    """A label recognised by its words ("Read more: …", "Advertisement", "Photo: …"), never a sentence."""
    return block.single_line and _is_cue_label(block.text)


def byline(block: Block, context: Context) -> bool:
    """A byline alone in its block: "By Jane Doe", "Von Hans Müller", "Par Amélie Rousseau"."""
    return block.single_line and bool(_BYLINE.fullmatch(block.text))


RULES = [
    learnt_for_source,
    link_dense,
    label_with_value,
    copyright_line,
    share_or_follow_prompt,
    reader_prompt,
    cue_label,
    byline,
]


def drop_boilerplate(blocks: list[Block], learnt: frozenset[str] | set[str] = frozenset()) -> list[list[str]]:
    """The lines kept of each block (an empty list drops it); ``learnt`` holds digests of one source's furniture."""
    first, last = _prose_span(blocks)
    kept = []
    in_teasers = False
    for index, block in enumerate(blocks):
        # a "Recent Posts" heading, and the teasers under it up to the next heading or paragraph
        if block.single_line and block.words <= 6 and _TEASER_HEADING.fullmatch(block.text.rstrip(":").strip()):
            in_teasers = True
            kept.append([])
            continue
        if in_teasers and _is_teaser(block):
            kept.append([])
            continue
        in_teasers = False
        context = Context(first is None or index < first or index > last, first is not None, learnt)
        if any(rule(block, context) for rule in RULES):
            kept.append([])
        elif block.single_line:
            kept.append(block.lines)
        else:
            # lines of one block set apart by line breaks: a credit or label under a caption goes alone
            kept.append([line for line in block.lines if not _is_cue_label(line)])
    return kept


def _is_cue_label(line: str) -> bool:
    return len(line) <= 400 and not is_sentence(line) and bool(_CUE_LABEL.fullmatch(line) or _BYLINE.fullmatch(line))


def _is_teaser(block: Block) -> bool:
    """A list, a short title, an excerpt cut with "…" or an age: what follows a "Recent Posts" heading."""
    if block.heading:
        return False
    if block.is_list:
        return True
    return all(len(line) <= TEASER_MAX_CHARACTERS or _CUT.search(line) for line in block.lines)


def _prose_span(blocks: list[Block]) -> tuple[int | None, int | None]:
    """The indexes of the first and last prose paragraphs, or (None, None) when there is none."""
    prose = [i for i, b in enumerate(blocks) if _is_prose(b)]
    return (prose[0], prose[-1]) if prose else (None, None)


def _is_prose(block: Block) -> bool:
    """A paragraph of the story: long enough, ends like a sentence, not mostly links."""
    return (
        not block.heading
        and block.words >= PROSE_MIN_WORDS
        and block.link_density < LINK_DENSE_SHARE
        and any(is_sentence(line) for line in block.lines)
    )

