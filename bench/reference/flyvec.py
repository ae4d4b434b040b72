"""FlyVec (Liang et al., ICLR 2021): one minibatch learning step of the demo, in PyTorch.

The same step as src/models/flyvec/train.ts (which is plain JavaScript over typed arrays), on the
same corpus files (media/data/flyvec-sotu-*, built by `npm run data`):

  input      window A of W tokens: v^A = [context bag ; one-hot target], length 2V, binary,
             weighted by inverse word frequency: u^A = v^A / p   (p_i = count_i / total)
  compete    a_mu = <W_mu, u^A> for the K Kenyon cells; winner mu^A = argmax_mu a_mu
  update     dW = sum_A (u^A - a_{mu^A} W_{mu^A}) e_{mu^A},   W += eps_e dW / max|dW|
  energy     E = -sum_A a_{mu^A} / ||W_{mu^A}||   (computed each step, as the demo plots it)

W is [K, 2V]. A window is given by its W token ids with the target in the middle: the context
bag is the other W - 1 ids with out-of-vocabulary ids and duplicates dropped (weight 0 here),
so activations are one `embedding_bag` over W^T with per-sample weights, and the Hebbian part of
dW one `index_put_` with accumulation.
"""

import json
import struct

import torch

OUT_OF_VOCABULARY = 0xFFFF
MAGIC = b"PLFV"


def load_corpus(tokens_path, vocabulary_path):
    """Token ids [N] (int64), word counts [V] (float64), each address's first token offset, the words."""
    with open(tokens_path, "rb") as f:
        data = f.read()
    if data[:4] != MAGIC:
        raise ValueError(f"{tokens_path} is not a Paper Lab FlyVec token file")
    size, count = struct.unpack_from("<II", data, 4)
    tokens = torch.frombuffer(bytearray(data[12 : 12 + 2 * count]), dtype=torch.int16).to(torch.int64) & 0xFFFF
    with open(vocabulary_path, encoding="utf-8") as f:
        vocabulary = json.load(f)
    if len(vocabulary["words"]) != size:
        raise ValueError("FlyVec vocabulary and token file disagree")
    counts = torch.tensor(vocabulary["counts"], dtype=torch.float64)
    return tokens, counts, vocabulary["documents"], vocabulary["words"]


def window_centres(tokens, documents, width):
    """Positions that centre a full window inside one address on an in-vocabulary word."""
    half = width // 2
    ends = documents[1:] + [len(tokens)]
    centres = [torch.arange(start + half, end - half) for start, end in zip(documents, ends) if end - start > 2 * half]
    centres = torch.cat(centres)
    return centres[tokens[centres] != OUT_OF_VOCABULARY]


def make_trainer(config, seed):
    """Returns step(): one minibatch of B windows, competition, scaled update of W."""
    g = torch.Generator().manual_seed(seed)
    tokens, counts, documents, words = load_corpus(config["tokensFile"], config["vocabularyFile"])
    # Stop words keep their place in the text but are neither target nor context (as the demo masks them).
    stop = set(config.get("stopWords", []))
    masked = torch.tensor([i for i, w in enumerate(words) if w in stop], dtype=torch.int64)
    tokens = torch.where(torch.isin(tokens, masked), OUT_OF_VOCABULARY, tokens)
    vocabulary = counts.numel()
    width, batch, cells = config["windowWidth"], config["batchSize"], config["kenyonCells"]
    epochs, initial_rate = config["epochs"], config["learningRate"]
    per_epoch = config["batchesPerEpoch"]
    half = width // 2

    inverse = (counts.sum() / counts).float().repeat(2)  # 1/p for the 2V inputs [2V]
    synapses = torch.randn(cells, 2 * vocabulary, generator=g) * 0.02  # W [K, 2V] ~ N(0, 0.02^2)
    centres = window_centres(tokens, documents, width)
    offsets = torch.arange(-half, half + 1)
    offsets = offsets[offsets != 0]  # the W - 1 context positions
    state = {"epoch": -1, "batch": per_epoch, "order": centres}

    def next_centres():
        """The next B window centres; a new epoch reshuffles all windows."""
        b = state["batch"]
        if b >= per_epoch or (b + 1) * batch > len(centres):
            state["epoch"] += 1
            state["order"] = centres[torch.randperm(len(centres), generator=g)]
            b = 0
        state["batch"] = b + 1
        return state["order"][b * batch : (b + 1) * batch]

    def step():
        # Inputs of B windows: [B, W] indices (context bag, then V + target) and their weights.
        at = next_centres()  # [B]
        context, _ = tokens[at[:, None] + offsets].sort(1)  # [B, W-1], sorted to find repeats
        keep = context != OUT_OF_VOCABULARY
        keep[:, 1:] &= context[:, 1:] != context[:, :-1]
        indices = torch.cat([torch.where(keep, context, 0), vocabulary + tokens[at, None]], 1)  # [B, W]
        weights = inverse[indices] * torch.cat([keep, torch.ones(len(at), 1, dtype=torch.bool)], 1)

        # Competition on the raw input, <W_mu, v>; the update and the energy use the weighted one, <W_mu, v / p>.
        present = (weights > 0).float()
        raw = torch.nn.functional.embedding_bag(indices, synapses.T, per_sample_weights=present, mode="sum")
        winners = raw.argmax(1)  # [B]
        activation = torch.nn.functional.embedding_bag(indices, synapses.T, per_sample_weights=weights, mode="sum")
        winning = activation.gather(1, winners[:, None]).squeeze(1)  # [B]
        norms = synapses.norm(dim=1)  # [K]
        energy = -(winning / norms[winners]).sum()

        # dW = S - d * W with S the summed Hebbian part and d_mu the winning activations won by mu.
        decay = torch.zeros(cells).index_add_(0, winners, winning)  # [K]
        delta = -decay[:, None] * synapses  # [K, 2V]
        rows = winners[:, None].expand_as(indices)
        delta.index_put_((rows.reshape(-1), indices.reshape(-1)), weights.reshape(-1), accumulate=True)
        largest = delta.abs().max()
        rate = initial_rate * (1 - min(state["epoch"], epochs - 1) / epochs)
        if largest > 0:
            synapses.add_(delta, alpha=rate / largest.item())
        return energy

    return step
