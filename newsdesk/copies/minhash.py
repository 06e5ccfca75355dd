"""MinHash signatures of a story's shingles, and the band keys that find candidate copies by look-up."""

import hashlib
from dataclasses import dataclass

import numpy as np

from .text import shingles

# 128 permutations estimate a Jaccard similarity within about ±0.04. The
# first 126 are cut into 42 bands of 3 rows: a pair at Jaccard 0.4 shares a
# band with probability 1 - (1 - 0.4³)⁴² = 0.94, at 0.5 with 0.996, at 0.1
# with 0.04. A copy with boilerplate around it and a third of its paragraphs
# cut keeps a Jaccard of 0.4 and more; with 32 bands of 4 rows such copies
# were found 76-86% of the time, with 42 of 3, 95-97% (benchmarks/stories.py).
NUM_PERM = 128
BANDS = 42
ROWS = 3
SEED = 1


@dataclass(frozen=True)
class Signature:
    """A story's MinHash values and how many distinct shingles it has."""

    values: np.ndarray  # NUM_PERM uint64 values below 2³²
    size: int

    def to_bytes(self):
        return self.values.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data, size):
        return cls(np.frombuffer(data, dtype="<u4").astype(np.uint64), size)

    def jaccard(self, other):
        """The estimated share of shingles the two stories have in common, of all they have."""
        if not self.size or not other.size:
            return 0.0
        return float(np.mean(self.values == other.values))

    def containment(self, other):
        """The estimated share of the shorter story's shingles found in the other one.

        A copy inside another outlet's boilerplate, or a trimmed copy, keeps a
        high containment while its Jaccard similarity drops with every
        paragraph added or cut.
        """
        jaccard = self.jaccard(other)
        if not jaccard:
            return 0.0
        common = jaccard * (self.size + other.size) / (1 + jaccard)
        return min(1.0, common / min(self.size, other.size))

    def band_keys(self):
        """One signed 64-bit key per band: stories sharing any key are candidate copies."""
        rows = self.values[:BANDS * ROWS].astype("<u4").reshape(BANDS, ROWS)
        keys = []
        for band, row in enumerate(rows):
            digest = hashlib.blake2b(row.tobytes(), digest_size=8, person=band.to_bytes(2, "little")).digest()
            keys.append(int.from_bytes(digest, "little", signed=True))
        return keys


_permutations = None


def permutations():
    """datasketch's permutations for NUM_PERM and SEED, made once per process."""
    global _permutations
    if _permutations is None:
        from datasketch import MinHash

        _permutations = MinHash(num_perm=NUM_PERM, seed=SEED).permutations
    return _permutations


# datasketch's constants: a Mersenne prime above the 32-bit hashes, and the largest hash.
MERSENNE_PRIME = np.uint64((1 << 61) - 1)
MAX_HASH = np.uint64((1 << 32) - 1)
# Shingles hashed through the permutations at once: a block of 256 × NUM_PERM stays in the cache.
BLOCK = 256


def modulo_prime(x):
    """x % MERSENNE_PRIME, in place, for uint64 x, without a division.

    2⁶¹ leaves 1 over the prime, so x = high·2⁶¹ + low leaves high + low
    (below 2⁶¹ + 8); one subtraction of the prime finishes. np.remainder
    divides, which cost half of a signature's arithmetic.
    """
    high = x >> np.uint64(61)
    np.bitwise_and(x, MERSENNE_PRIME, out=x)
    x += high
    np.subtract(x, MERSENNE_PRIME, out=x, where=x >= MERSENNE_PRIME)
    return x


def signature(text):
    """The MinHash signature of the text's word shingles (all-max values for an empty text).

    The values datasketch's MinHash(num_perm=NUM_PERM, seed=SEED) gives
    with update_batch (its SHA-1 hash and permutations), in fewer steps:
    the hashes read in one go, the permutations applied in place, a block
    of shingles at a time.
    """
    found = shingles(text)
    values = np.full(NUM_PERM, MAX_HASH, dtype=np.uint64)
    if found:
        a, b = permutations()
        digests = b"".join([hashlib.sha1(shingle.encode("utf-8")).digest()[:4] for shingle in found])
        hashes = np.frombuffer(digests, dtype="<u4").astype(np.uint64)
        for start in range(0, len(hashes), BLOCK):
            permuted = np.multiply.outer(hashes[start:start + BLOCK], a)
            permuted += b  # wrapping past 2⁶⁴ as datasketch's does
            modulo_prime(permuted)
            np.bitwise_and(permuted, MAX_HASH, out=permuted)
            np.minimum(values, permuted.min(axis=0), out=values)
    return Signature(values, len(found))
