"""MinHash signatures: datasketch's values, computed in fewer steps (copies/minhash.py)."""

import numpy as np
import pytest
from datasketch import MinHash

from newsdesk.copies import minhash
from newsdesk.copies.text import shingles

TEXTS = [
    "",
    "One line.",
    "The harbour board approved a second ferry berth on Tuesday after a two-year dispute over dredging costs.",
    " ".join(f"Paragraph {n} of a long report on the council's budget, with figure {n * 37}." for n in range(400)),
    "Der Stadtrat hat am Dienstag einen zweiten Fähranleger genehmigt. 市议会周二批准了第二个渡轮码头。",
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_signature_holds_datasketch_s_values(text):
    expected = MinHash(num_perm=minhash.NUM_PERM, seed=minhash.SEED)
    found = shingles(text)
    if found:
        expected.update_batch([shingle.encode("utf-8") for shingle in found])
    ours = minhash.signature(text)
    assert ours.size == len(found)
    np.testing.assert_array_equal(ours.values, expected.hashvalues)


def test_the_remainder_by_the_prime_is_exact_at_every_edge():
    prime = (1 << 61) - 1
    edges = [0, 1, prime - 1, prime, prime + 1, 1 << 61, (1 << 62) + 5, 2 * prime, (1 << 64) - 1]
    rng = np.random.default_rng(7)
    values = np.concatenate([np.array(edges, dtype=np.uint64), rng.integers(0, 2**64 - 1, 10_000, dtype=np.uint64)])
    expected = [int(value) % prime for value in values.tolist()]
    assert minhash.modulo_prime(values.copy()).tolist() == expected
