"""all-MiniLM-L6-v2 fine-tuned on the site's own stories, with a softmax layer over the sections."""

import random

import numpy as np

from .classifier_encoder import (
    Network, batches_by_length, build_encoder, encode_batches, hugging_face_name, make_tokenizer, pad,
    pretrained_minilm,
)

class FineTunedModel:
    """A fine-tuned encoder plus a linear layer; predicts class probabilities in `labels` order."""

    def __init__(self, labels, tokenizer_json, weights, head_weight, head_bias, max_tokens):
        self.labels = list(labels)
        self.tokenizer_json = tokenizer_json
        self.weights = {name: value.astype(np.float16) for name, value in weights.items()}  # half the file
        self.head_weight = head_weight
        self.head_bias = head_bias
        self.max_tokens = max_tokens
        self._ready = None

    @classmethod
    def train(cls, texts, labels, *, epochs=3, batch_size=32, learning_rate=1e-4, max_tokens=128,
              warmup=0.06, seed=0, on_epoch=None):
        import torch
        from torch import nn
        from torch.nn import functional as F

        names = sorted(set(labels))
        targets = torch.tensor([names.index(label) for label in labels])
        tokenizer_json, pretrained = pretrained_minilm()
        tokenizer = make_tokenizer(tokenizer_json, max_tokens)
        encodings = tokenizer.encode_batch(list(texts))
        torch.manual_seed(seed)
        network = Network(len(names))
        network.encoder.load_state_dict({name: torch.from_numpy(pretrained[hugging_face_name(name)])
                                         for name in network.encoder.state_dict()})
        network.train()
        optimiser = torch.optim.AdamW(network.parameters(), lr=learning_rate, weight_decay=0.01)
        steps = epochs * -(-len(texts) // batch_size)
        # Warm up, then decay linearly to zero: a fixed rate over the last
        # epoch undoes part of what the first ones learnt.
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda step: min((step + 1) / max(1, warmup * steps), max(0.0, (steps - step) / steps))
        )
        shuffler = random.Random(seed)
        for epoch in range(epochs):
            for indices in batches_by_length_shuffled(encodings, batch_size, shuffler):
                ids, attention = (torch.from_numpy(array) for array in pad(encodings, indices))
                loss = F.cross_entropy(network(ids, attention), targets[indices])
                optimiser.zero_grad(set_to_none=True)
                loss.backward()
                nn.utils.clip_grad_norm_(network.parameters(), 1.0)
                optimiser.step()
                schedule.step()
            if on_epoch:
                on_epoch(epoch + 1)
        weights = {hugging_face_name(name): value.detach().numpy()
                   for name, value in network.encoder.state_dict().items()}
        return cls(names, tokenizer_json, weights, network.head.weight.detach().numpy().copy(),
                   network.head.bias.detach().numpy().copy(), max_tokens)

    def ready(self):
        if self._ready is None:
            self._ready = (build_encoder(self.weights), make_tokenizer(self.tokenizer_json, self.max_tokens))
        return self._ready

    def probabilities(self, texts):
        encoder, tokenizer = self.ready()
        pooled = encode_batches(encoder, tokenizer, texts)[:, -1].astype(np.float64)
        logits = pooled @ self.head_weight.T + self.head_bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def __getstate__(self):
        return {key: value for key, value in self.__dict__.items() if key != "_ready"}

    def __setstate__(self, state):
        self.__dict__.update(state, _ready=None)


def batches_by_length_shuffled(encodings, batch_size, shuffler):
    # Jittered lengths change which stories share a batch from epoch to epoch.
    order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids) + shuffler.uniform(0, 8))
    batches = [order[start:start + batch_size] for start in range(0, len(order), batch_size)]
    shuffler.shuffle(batches)
    return batches


