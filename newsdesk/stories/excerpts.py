"""Cut a story's text into a short excerpt that ends on a word boundary."""

import html
import re
import unicodedata

from django.utils.html import strip_tags

ELLIPSIS = "…"
_SPACE = re.compile(r"\s+")
# Scripts written without spaces between words: a cut at any character is a
# cut between words (or syllables), so the word-boundary rule cannot apply.
_UNSPACED_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "THAI", "LAO", "KHMER", "MYANMAR")
_TRAILING_PUNCTUATION = ",;:-–—([{\"'“‘"


def plain_text(markup):
    """Plain text of an HTML fragment: tags removed, entities decoded, spaces collapsed."""
    # Put a space where block tags end so "</p><p>" does not glue two words.
    spaced = re.sub(r"</(p|h[1-6]|li|blockquote|div|figcaption)>|<br\s*/?>", " ", markup or "")
    return _SPACE.sub(" ", html.unescape(strip_tags(spaced))).strip()


def _is_unspaced(char):
    try:
        name = unicodedata.name(char)
    except ValueError:
        return False
    return name.startswith(_UNSPACED_SCRIPTS)


def cut_excerpt(markup, length=160):
    """Return at most `length` characters of text, cut between words, ending in “…”.

    `markup` may be HTML: tags are dropped and entities decoded before
    counting, so a cut never falls inside a tag or an entity. The result is
    plain text, to be escaped by the template. Text that fits is returned
    whole, without an ellipsis.
    """
    text = plain_text(markup)
    if len(text) <= length:
        return text
    limit = length - len(ELLIPSIS)
    head = text[: limit + 1]
    if _is_unspaced(head[limit - 1]) and _is_unspaced(head[limit]):
        cut = text[:limit]
    else:
        boundary = head.rfind(" ")
        # A single word longer than the whole excerpt: cut it rather than
        # return nothing.
        cut = text[:boundary] if boundary > 0 else text[:limit]
    return cut.rstrip().rstrip(_TRAILING_PUNCTUATION).rstrip() + ELLIPSIS
