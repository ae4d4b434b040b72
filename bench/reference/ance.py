"""ANCE (Xiong et al., ICLR 2021): one training step of the demo, in PyTorch.

The same step as src/models/ance/train.ts (plain JavaScript over typed arrays), on the same
corpus file (media/data/ance-<corpus>.json, built by `npm run data`). One demo step is one
update of each of the three encoders (random, BM25 and ANCE negatives) on the same batch:

  units      every word of a text and the character 3-5-grams of "<word>", hashed (FNV-1a, 32
             bit, over UTF-16 code units) into one of 2^hashBits rows of the table E
  encoder    g(t) = normalise(W mean_{u in G(t)} E_u), W [dim, dim] without bias
  loss       for query q and candidates [d+, d-_1 .. d-_n]:  s_j = <g(q), g(d_j)> / tau,
             l = -log softmax(s)_0, averaged over the batch
  optimiser  Adam on W, lazy Adam on E (only the rows the batch touches, as the demo's Adam and
             torch's SparseAdam do)

The negatives only decide which documents are encoded: their cost is the same whichever sampler
chose them, so every encoder here draws its n negatives uniformly (the demo's list lookups for
BM25 and ANCE cost a few array reads). The demo's refresh runs in another thread and is not part
of the step.
"""

import json
import random
import re

import torch

SPLIT = re.compile(r"[^\w]+|_+")


def words(text):
    """Lower-case runs of letters and digits (the demo splits on anything else)."""
    return [w for w in SPLIT.split(text.lower()) if w]


def subword_units(text):
    units = []
    for word in words(text):
        units.append(f"w:{word}")
        chars = f"<{word}>"
        for n in range(3, 6):
            units.extend(chars[i : i + n] for i in range(len(chars) - n + 1))
    return units


def fnv1a(unit):
    h = 0x811C9DC5
    data = unit.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h ^= data[i] | (data[i + 1] << 8)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def gram_table(texts, buckets):
    """Hashed unit ids of every text, flattened, with each text's offset (for embedding_bag)."""
    ids, offsets = [], []
    for text in texts:
        offsets.append(len(ids))
        ids.extend(fnv1a(u) % buckets for u in subword_units(text))
    return torch.tensor(ids, dtype=torch.int64), torch.tensor(offsets + [len(ids)], dtype=torch.int64)


class Encoder(torch.nn.Module):
    def __init__(self, buckets, dim, generator):
        super().__init__()
        std = dim**-0.5
        self.table = torch.nn.Embedding(buckets, dim, sparse=True)
        self.linear = torch.nn.Linear(dim, dim, bias=False)
        with torch.no_grad():
            self.table.weight.normal_(0, std, generator=generator)
            self.linear.weight.normal_(0, std, generator=generator)

    def forward(self, ids, offsets, rows):
        """g(t) for the texts `rows` of a gram table given as (ids, offsets)."""
        starts, ends = offsets[rows], offsets[rows + 1]
        lengths = ends - starts
        picked = torch.cat([ids[s:e] for s, e in zip(starts.tolist(), ends.tolist())])
        bag_offsets = torch.cumsum(lengths, 0) - lengths
        mean = torch.nn.functional.embedding_bag(picked, self.table.weight, bag_offsets, mode="mean", sparse=True)
        return torch.nn.functional.normalize(self.linear(mean), dim=1)


def make_trainer(config, seed):
    """Returns step(): one batch, one update of each of the three encoders."""
    g = torch.Generator().manual_seed(seed)
    with open(config["corpusFile"], encoding="utf-8") as f:
        corpus = json.load(f)
    buckets = 2 ** config["hashBits"]
    dim, batch, negatives, tau = config["dim"], config["batchSize"], config["negatives"], config["temperature"]
    docs = gram_table(corpus["docs"], buckets)
    queries = gram_table([text for text, _ in corpus["train"]], buckets)
    positives = torch.tensor([positive for _, positive in corpus["train"]], dtype=torch.int64)
    n_docs, n_queries = len(corpus["docs"]), len(corpus["train"])

    encoders = [Encoder(buckets, dim, g) for _ in range(3)]
    for e in encoders[1:]:
        e.load_state_dict(encoders[0].state_dict())
    optimisers = [
        (
            torch.optim.SparseAdam([e.table.weight], lr=config["learningRate"]),
            torch.optim.Adam([e.linear.weight], lr=config["learningRate"]),
        )
        for e in encoders
    ]
    labels = torch.zeros(batch, dtype=torch.int64)

    draw = random.Random(seed)

    def candidates(query_rows):
        """[B, 1 + n] documents: the positive, then n distinct others drawn uniformly."""
        rows = []
        for q in query_rows.tolist():
            positive = int(positives[q])
            picked = draw.sample(range(n_docs - 1), negatives)
            rows.append([positive] + [d + (d >= positive) for d in picked])  # skip the positive
        return torch.tensor(rows, dtype=torch.int64)

    def step():
        query_rows = torch.randint(n_queries, (batch,), generator=g)
        for encoder, (sparse_adam, adam) in zip(encoders, optimisers):
            cands = candidates(query_rows)
            q = encoder(*queries, query_rows)  # [B, dim]
            d = encoder(*docs, cands.reshape(-1)).reshape(batch, 1 + negatives, dim)
            scores = torch.einsum("bd,bjd->bj", q, d) / tau
            loss = torch.nn.functional.cross_entropy(scores, labels)
            sparse_adam.zero_grad(set_to_none=True)
            adam.zero_grad(set_to_none=True)
            loss.backward()
            sparse_adam.step()
            adam.step()

    return step
