"""How alike two stories are: a copy (shared text) and the same story (same event, other words).

A copy shares most of its word shingles with the other story (MinHash
containment, minhash.py). The same story told twice shares meaning and
names: the score is a linear blend, fitted to SemEval-2022 Task 8's human
ratings (benchmarks/stories.py), of
- for two English texts, the cosine of their MiniLM sentence vectors
  (meaning.py): Pearson 0.86 alone there, and nothing added helped;
- for any other pair, in one language or across two, the cosine of their
  multilingual sentence vectors and the overlap of their names and numbers
  (text.entities), which survive translation.
Where an encoder is not installed, the next blend in BLENDS that needs only
what is there is used; the last needs no model at all.
"""

from dataclasses import dataclass

import numpy as np

from . import meaning
from .minhash import signature
from .text import entities, words

# (for English pairs?, intercept, {feature: weight}), first usable wins: the
# predicted rating is intercept - Σ weight × feature, on SemEval's scale from
# 1 (same story) to 4 (unrelated). Least squares on all 1,283 pairs; the
# five-fold cross-validated figures are in docs/stories.md.
BLENDS = [
    (True, 4.096, {"english": 3.475}),
    (True, 4.532, {"multilingual": 3.839}),
    (False, 4.455, {"multilingual": 3.514, "entities": 0.520}),
    (False, 3.826, {"english": 1.217, "chars": 0.179, "entities": 2.119}),
    (None, 3.548, {"chars": 2.089, "entities": 1.881}),
]

# Same story: similarity (the predicted rating mapped onto 0..1) at or above
# this. Chosen on half the SemEval pairs (those whose id hashes even) as the
# most precise threshold that still finds 60% of the same-story pairs there:
# precision 0.73, recall 0.66; on the other half 0.67 and 0.55. No threshold
# reached precision 0.9 (docs/stories.md).
SAME_STORY_SIMILARITY = 0.675

# Copy: at least this share of the shorter story's four-word shingles is in
# the other, and the shorter one is a story, not a line. Copies with another
# outlet's boilerplate around them, a third of their paragraphs cut or
# reordered keep 0.8 and more; with light edits on top, 0.55 and more;
# two different stories, even with one copier's boilerplate around both,
# share under 0.32 (benchmarks/stories.py).
COPY_CONTAINMENT = 0.5
MIN_COPY_SHINGLES = 20

# Texts are read up to this length: a long feature is 50,000 characters, and
# an operator's CSV with a whole book in a cell must not stall the comparison.
MAX_TEXT_CHARS = 200_000

# A text is English when this share of its words are the commonest English
# words; 0.12 split SemEval's 1,283 pairs with two mistakes.
ENGLISH_SHARE = 0.12
ENGLISH_WORDS = frozenset(
    "the of and to in a is that for on was with he it as at by from his said be has have are were its "
    "which an not but they this their who been had will after more".split()
)


@dataclass(frozen=True)
class Comparison:
    similarity: float
    same_story: bool
    copy: bool
    containment: float


@dataclass
class Story:
    """What comparing needs of one text, computed once."""

    signature: object
    entities: frozenset
    english: bool
    chars: object  # a 1-row sparse matrix of character n-gram counts, unit length; None where no blend needs it
    vectors: dict  # "english" / "multilingual": unit-length sentence vector, where computed


def is_english(text):
    tokens = words(text)
    return bool(tokens) and sum(token in ENGLISH_WORDS for token in tokens) / len(tokens) >= ENGLISH_SHARE


def char_counts(texts):
    """Unit-length rows of log-scaled character 3-5-gram counts (hashed: no vocabulary to fit or store)."""
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.preprocessing import normalize

    hashing = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=2**20,
                                alternate_sign=False, norm=None)
    counts = hashing.transform(texts)
    counts.data = np.log1p(counts.data)
    return normalize(counts)


def prepare(texts, english=(), multilingual=(), chars=None):
    """A Story per text, with sentence vectors for the texts at the indices `english` and `multilingual`.

    Vectors cost most of the time, so only those a comparison will use are
    computed, each kind in one batch.
    """
    texts = [(text or "")[:MAX_TEXT_CHARS] for text in texts]
    stories = [Story(signature(text), frozenset(entities(text)), is_english(text), None, {})
               for i, text in enumerate(texts)]
    for kind, wanted, available, encode in (
        ("english", english, meaning.english_available, meaning.english_vectors),
        ("multilingual", multilingual, meaning.multilingual_available, meaning.multilingual_vectors),
    ):
        wanted = sorted(set(wanted))
        if wanted and available():
            for i, vector in zip(wanted, encode([texts[i] for i in wanted])):
                stories[i].vectors[kind] = vector
    # Character n-grams are read only by the blends for a missing encoder
    # (BLENDS): computed for the texts at the indices `chars`, by default
    # those that got no vector.
    bare = sorted(set(chars)) if chars is not None else [i for i, story in enumerate(stories) if not story.vectors]
    if bare:
        for i, row in zip(bare, char_counts([texts[i] for i in bare])):
            stories[i].chars = row
    return stories


def prepare_pairs(pairs):
    """Stories for the texts of `pairs` (flattened), each with the vectors its pair's blend needs."""
    texts = [text or "" for pair in pairs for text in pair]
    english = [is_english(text) for text in texts]
    both = [(2 * i, 2 * i + 1) for i in range(len(pairs)) if english[2 * i] and english[2 * i + 1]]
    other = [(2 * i, 2 * i + 1) for i in range(len(pairs)) if not (english[2 * i] and english[2 * i + 1])]
    use_minilm, use_universal = meaning.english_available(), meaning.multilingual_available()
    # Pairs whose blend has its encoder need no n-grams: English pairs with
    # MiniLM, and any pair with the multilingual encoder.
    covered = (both if use_minilm or use_universal else []) + (other if use_universal else [])
    return prepare(
        texts,
        english=[i for pair in (both if use_minilm else []) for i in pair]
        + [i for pair in (other if not use_universal else []) for i in pair],
        multilingual=[i for pair in (other + ([] if use_minilm else both)) for i in pair],
        chars=set(range(len(texts))) - {i for pair in covered for i in pair},
    )


def entity_overlap(a, b):
    """The share of the shorter list of names and numbers found in the other."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def blend_for(a, b, features):
    english = a.english and b.english
    for for_english, intercept, weights in BLENDS:
        if for_english in (None, english) and all(name in features for name in weights):
            return intercept, weights
    raise AssertionError("the last blend needs no model")


def features_of(a, b):
    features = {"entities": entity_overlap(a.entities, b.entities)}
    if a.chars is not None and b.chars is not None:
        features["chars"] = float(a.chars.multiply(b.chars).sum())
    for kind in ("english", "multilingual"):
        if kind in a.vectors and kind in b.vectors:
            features[kind] = float(np.dot(a.vectors[kind], b.vectors[kind]))
    return features


def compare(a, b):
    """The Comparison of two prepared stories."""
    return scored(a, b, features_of(a, b), a.signature.containment(b.signature))


def compare_many(a, others):
    """compare(a, b) for each story b of `others`, in order.

    The same scores, worked out for all of `others` at once: each kind of
    sentence vector in one matrix product, the MinHash signatures in one
    comparison, the character n-grams in one sparse product, and each blend
    of BLENDS applied to every pair it is for as one array expression. A
    same-story check compares a new story with 200 others.
    """
    others = list(others)
    if not others:
        return []
    count = len(others)
    features = {"entities": np.array([entity_overlap(a.entities, b.entities) for b in others])}
    present = {"entities": np.ones(count, dtype=bool)}

    def add(name, indices, values):
        features[name] = np.zeros(count)
        features[name][indices] = values
        present[name] = np.zeros(count, dtype=bool)
        present[name][indices] = True

    if a.chars is not None:
        with_chars = [i for i, b in enumerate(others) if b.chars is not None]
        if with_chars:
            from scipy.sparse import vstack

            products = vstack([others[i].chars for i in with_chars]) @ a.chars.T
            add("chars", with_chars, np.asarray(products.todense(), dtype=np.float64).ravel())
    for kind in ("english", "multilingual"):
        if kind not in a.vectors:
            continue
        with_kind = [i for i, b in enumerate(others) if kind in b.vectors]
        if with_kind:
            matrix = np.stack([np.asarray(others[i].vectors[kind]) for i in with_kind])
            add(kind, with_kind, (matrix @ np.asarray(a.vectors[kind])).astype(np.float64))

    # Each pair's rating by the first blend for its languages whose features it has (blend_for).
    english = np.array([a.english and b.english for b in others])
    rating = np.zeros(count)
    rated = np.zeros(count, dtype=bool)
    for for_english, intercept, weights in BLENDS:
        usable = ~rated if for_english is None else ~rated & (english == for_english)
        for name in weights:
            usable &= present.get(name, False)
        if usable.any():
            total = np.zeros(count)
            for name, weight in weights.items():  # in scored()'s order, for the same sums
                total += weight * features[name]
            rating[usable] = (intercept - total)[usable]
            rated |= usable
    assert rated.all(), "the last blend needs no model"
    similarity = np.clip((4.0 - rating) / 3.0, 0.0, 1.0)
    containment = np.array(containments(a.signature, [b.signature for b in others]))
    shorter = np.minimum(a.signature.size, np.array([b.signature.size for b in others]))
    copy = (containment >= COPY_CONTAINMENT) & (shorter >= MIN_COPY_SHINGLES)
    # A copy is the same story, however its boilerplate moved the blend.
    similarity = np.where(copy, np.maximum(similarity, containment), similarity)
    same = copy | (similarity >= SAME_STORY_SIMILARITY)
    return [Comparison(value, is_same, is_copy, contained) for value, is_same, is_copy, contained
            in zip(similarity.tolist(), same.tolist(), copy.tolist(), containment.tolist())]


def containments(signature, others):
    """signature.containment(other) for each of the signatures `others`, as one array comparison."""
    if not signature.size:
        return [0.0] * len(others)
    shared = (np.stack([other.values for other in others]) == signature.values).mean(axis=1).tolist()
    result = []
    for other, jaccard in zip(others, shared):
        if not other.size or not jaccard:
            result.append(0.0)
            continue
        common = jaccard * (signature.size + other.size) / (1 + jaccard)
        result.append(min(1.0, common / min(signature.size, other.size)))
    return result


def scored(a, b, features, containment):
    """The Comparison of stories a and b from their features and containment."""
    intercept, weights = blend_for(a, b, features)
    rating = intercept - sum(weight * features[name] for name, weight in weights.items())
    similarity = min(1.0, max(0.0, (4.0 - rating) / 3.0))
    shorter = min(a.signature.size, b.signature.size)
    copy = containment >= COPY_CONTAINMENT and shorter >= MIN_COPY_SHINGLES
    if copy:
        # A copy is the same story, however its boilerplate moved the blend.
        similarity = max(similarity, containment)
    return Comparison(similarity, copy or similarity >= SAME_STORY_SIMILARITY, copy, containment)


def compare_texts(pairs):
    """A Comparison for each (text, text) pair, in order."""
    stories = prepare_pairs(pairs)
    return [compare(stories[2 * i], stories[2 * i + 1]) for i in range(len(pairs))]
