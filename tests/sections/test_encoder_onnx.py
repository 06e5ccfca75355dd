"""MiniLM in ONNX Runtime: the same vectors as the torch encoder, float32 and int8, with padding in the batch."""

import importlib.util

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("tokenizers")
pytest.importorskip("safetensors")
pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
if importlib.util.find_spec("all_minilm_l6_v2") is None:  # importing it prints a line: only look it up
    pytest.skip("the `sections` extra (MiniLM's weights) is not installed", allow_module_level=True)

from newsdesk.sections.classifier_encoder import (  # noqa: E402
    build_encoder, encode_batches, make_tokenizer, pretrained_minilm,
)
from newsdesk.sections.encoder_onnx import build_session, encode_batches_onnx  # noqa: E402

# Stories of very different lengths, so one batch pads most of them.
STORIES = [
    "Storm closes airport",
    "The central bank raised interest rates by a quarter point on Thursday, its third rise this year.",
    "Astronomers using the new space telescope say they have found water vapour in the atmosphere of a "
    "planet orbiting a small star forty light years from Earth, the first such find for a world of its size.",
    "United beat the league leaders 2-1 with a late goal from their captain.",
    "Shares in the carmaker fell sharply after it warned that a shortage of chips would cut production at "
    "three of its European plants until the end of the year, and that profits would fall short of forecasts. "
    "Analysts said the warning was worse than expected and that rivals faced the same problem.",
    "Parliament passed the budget after a night of debate.",
]


@pytest.fixture(scope="module")
def minilm():
    tokenizer_json, weights = pretrained_minilm()
    return make_tokenizer(tokenizer_json, 128), weights


@pytest.fixture(scope="module")
def torch_vectors(minilm):
    """The torch encoder's vectors, as the site computes them today, for each set of layers."""
    import torch

    tokenizer, weights = minilm
    torch.set_num_threads(1)
    encoder = build_encoder(weights)
    return {layers: encode_batches(encoder, tokenizer, STORIES, layers) for layers in ((4, 5, 6), (6,))}


def cosines(a, b):
    return (a * b).sum(-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))


@pytest.mark.parametrize("layers", [(4, 5, 6), (6,)])
@pytest.mark.parametrize("quantized, floor", [(False, 0.9999), (True, 0.99)])
def test_onnx_vectors_match_torch(minilm, torch_vectors, layers, quantized, floor):
    tokenizer, weights = minilm
    lengths = {len(encoding.ids) for encoding in tokenizer.encode_batch(STORIES)}
    assert len(lengths) == len(STORIES)  # every story but the longest is padded in the one batch

    session = build_session(weights, layers, threads=1, quantized=quantized)
    vectors = encode_batches_onnx(session, tokenizer, STORIES, layers, batch_size=32)

    assert vectors.shape == (len(STORIES), len(layers), 384) and vectors.dtype == np.float32
    similarity = cosines(vectors, torch_vectors[layers])  # (story, layer)
    assert similarity.min() >= floor, similarity


def test_padding_does_not_change_a_story(minilm):
    tokenizer, weights = minilm
    session = build_session(weights, (6,), quantized=False)
    together = encode_batches_onnx(session, tokenizer, STORIES, (6,), batch_size=32)
    alone = encode_batches_onnx(session, tokenizer, STORIES, (6,), batch_size=1)
    assert cosines(together, alone).min() >= 0.99999


def test_the_model_file_is_kept_by_its_weights_and_layers(minilm, tmp_path):
    tokenizer, weights = minilm
    first = build_session(weights, (6,), cache_dir=tmp_path)
    files = sorted(path.name for path in tmp_path.iterdir())
    assert len(files) == 1 and files[0].startswith("minilm-int8-") and files[0].endswith(".onnx")

    again = build_session(weights, (6,), cache_dir=tmp_path)  # read back, not rebuilt
    assert sorted(path.name for path in tmp_path.iterdir()) == files
    np.testing.assert_array_equal(encode_batches_onnx(first, tokenizer, STORIES, (6,)),
                                  encode_batches_onnx(again, tokenizer, STORIES, (6,)))

    changed = dict(weights, **{"embeddings.LayerNorm.bias": weights["embeddings.LayerNorm.bias"] + 0.01})
    build_session(changed, (6,), cache_dir=tmp_path)
    assert len(list(tmp_path.iterdir())) == 2


def test_a_failed_build_is_not_retried_at_every_story(minilm, tmp_path):
    """A folder the model cannot be written to fails the first story clearly, and the next ones at once."""
    _, weights = minilm
    blocked = tmp_path / "encoders"
    blocked.write_text("a file where the folder should be")

    with pytest.raises(OSError):
        build_session(weights, (6,), cache_dir=blocked)
    with pytest.raises(RuntimeError, match=r"building the int8 encoder failed \d+ s ago"):
        build_session(weights, (6,), cache_dir=blocked)
