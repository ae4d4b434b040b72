"""Recurrent Independent Mechanisms (Goyal et al., ICLR 2021): one step of the copying demo, in PyTorch.

The same step as src/models/rims/train.ts: a batch of copying sequences, then one Adam step
(gradients clipped to global norm `clip`) for the RIM and one for the LSTM with a matched
parameter count, each scored by the cross-entropy on the copy positions only.

Copying sequence (length L = 10 + T + 1 + 10, time-major one-hot inputs [L, B, V], V = 10):
    10 symbols of an alphabet of 8, T blanks, a marker, 10 blanks during which the symbols are copied.

RIM cell, K modules of H units, k_A active per step; per-module weights are stored full-size as
[K*a, K*b] and multiplied by their block-diagonal 0/1 mask once per unroll (the demo's layout):
    1. input attention over {null, x_t}: s_k = (h_k Wq_k) . (x_t We) / sqrt(d_e),
       A_k = sigmoid(s_k) x_t Wv, null weight 1 - sigmoid(s_k)
    2. top-k_A modules by least null weight (no gradient through the choice) -> mask m [B, K, 1]
    3. every module's LSTM on A_k; inactive modules keep (h, c)
    4. multi-head attention among modules, residual update for active modules only
The readout is a linear layer over all modules' states at the copy positions.
"""

import math

import torch
from torch import nn

ALPHABET, SYMBOLS = 8, 10
VOCAB = ALPHABET + 2  # blank, 8 symbols, marker
MARKER = ALPHABET + 1


def copying_batch(batch, dormant, generator):
    """One-hot inputs [L, B, V] and copy targets [10 * B] (time-major), as the demo lays them out."""
    length = SYMBOLS + dormant + 1 + SYMBOLS
    symbols = torch.randint(ALPHABET, (SYMBOLS, batch), generator=generator)  # [10, B]
    tokens = torch.zeros(length, batch, dtype=torch.long)
    tokens[:SYMBOLS] = symbols + 1
    tokens[SYMBOLS + dormant] = MARKER
    return nn.functional.one_hot(tokens, VOCAB).float(), symbols.reshape(-1)


def _normal(rows, cols):
    return nn.Parameter(torch.randn(rows, cols) / math.sqrt(rows))


class BlockWeight(nn.Module):
    """A per-module weight: full [K*a, K*b] storage, only the diagonal blocks W_1 ... W_K used."""

    def __init__(self, modules, rows, cols):
        super().__init__()
        self.register_buffer("mask", torch.block_diag(*[torch.ones(rows, cols)] * modules))
        self.weight = nn.Parameter(torch.randn(modules * rows, modules * cols) / math.sqrt(rows) * self.mask)

    def materialise(self):
        return self.weight * self.mask


def per_module(x, w):
    """[B, K, a] x blockdiag(W_k) [K*a, K*b] -> [B, K, b]: every module's own projection."""
    batch, modules, _ = x.shape
    return (x.reshape(batch, -1) @ w).view(batch, modules, -1)


class Rim(nn.Module):
    def __init__(self, size):
        super().__init__()
        k, h = size["modules"], size["units"]
        self.k, self.h, self.active = k, h, size["active"]
        self.heads, self.d = size["commHeads"], size["commKey"]
        self.key_size = size["inputKey"]
        self.input_key = _normal(VOCAB, size["inputKey"])  # We [V, d_e]
        self.input_value = _normal(VOCAB, size["inputValue"])  # Wv [V, d_v]
        self.query = BlockWeight(k, h, size["inputKey"])
        self.cell_input = BlockWeight(k, size["inputValue"], 4 * h)
        self.cell_recurrent = BlockWeight(k, h, 4 * h)
        bias = torch.zeros(k, 4, h)
        bias[:, 1] = 1.0  # forget-gate bias 1 (gate order i, f, g, o)
        self.cell_bias = nn.Parameter(bias.view(-1))
        self.comm_qkv = BlockWeight(k, h, 3 * self.heads * self.d)
        self.comm_out = BlockWeight(k, self.heads * self.d, h)
        self.h0 = nn.Parameter(torch.randn(1, k, h))
        self.readout = nn.Linear(k * h, ALPHABET)

    def forward(self, inputs, copy_start):
        """Logits [10 * B, 8] at the copy positions for inputs [L, B, V]."""
        length, batch, _ = inputs.shape
        wq, wx, wh = self.query.materialise(), self.cell_input.materialise(), self.cell_recurrent.materialise()
        wqkv, wo = self.comm_qkv.materialise(), self.comm_out.materialise()
        keys, values = inputs @ self.input_key, inputs @ self.input_value  # [L, B, d_e], [L, B, d_v]
        h, c = self.h0.expand(batch, -1, -1), torch.zeros(batch, self.k, self.h)
        copies = []
        for t in range(length):
            # 1. input attention: the null row has key and value 0, so a sigmoid of the input's score.
            scores = (per_module(h, wq) * keys[t, :, None, :]).sum(2) / math.sqrt(self.key_size)  # [B, K]
            weight = torch.sigmoid(scores)
            attended = weight[:, :, None] * values[t, :, None, :]  # [B, K, d_v]
            # 2. top-k by least null weight; the mask carries no gradient.
            chosen = torch.topk(-(1 - weight).detach(), self.active, dim=1).indices
            mask = torch.zeros(batch, self.k).scatter_(1, chosen, 1.0)[:, :, None]  # [B, K, 1]
            # 3. independent LSTMs, frozen where inactive.
            gates = per_module(attended, wx) + per_module(h, wh) + self.cell_bias.view(self.k, -1)
            i, f, g, o = gates.chunk(4, dim=2)
            c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h_new = torch.sigmoid(o) * torch.tanh(c_new)
            h_tilde = mask * h_new + (1 - mask) * h
            c = mask * c_new + (1 - mask) * c
            # 4. communication: heads of size d over all modules, residual for active modules.
            q, k_, v = per_module(h_tilde, wqkv).view(batch, self.k, 3, self.heads, self.d).unbind(2)
            attn = torch.softmax(torch.einsum("bihd,bjhd->bhij", q, k_) / math.sqrt(self.d), dim=-1)
            read = torch.einsum("bhij,bjhd->bihd", attn, v).reshape(batch, self.k, -1)  # [B, K, heads*d]
            h = h_tilde + mask * per_module(read, wo)
            if t >= copy_start:
                copies.append(h.reshape(batch, -1))
        return self.readout(torch.cat(copies))  # [10 * B, 8]


class Lstm(nn.Module):
    """The baseline: [i f g o] = [x_t, h] W + b, unrolled step by step like the demo's."""

    def __init__(self, units):
        super().__init__()
        self.units = units
        self.w = _normal(VOCAB + units, 4 * units)
        bias = torch.zeros(4, units)
        bias[1] = 1.0
        self.b = nn.Parameter(bias.view(-1))
        self.readout = nn.Linear(units, ALPHABET)

    def forward(self, inputs, copy_start):
        _, batch, _ = inputs.shape
        h = c = torch.zeros(batch, self.units)
        copies = []
        for t, x in enumerate(inputs):
            i, f, g, o = (torch.cat([x, h], 1) @ self.w + self.b).chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            if t >= copy_start:
                copies.append(h)
        return self.readout(torch.cat(copies))


def make_trainer(config, seed):
    """Returns step(): one batch, one Adam step of the RIM and one of the LSTM."""
    g = torch.Generator().manual_seed(seed)
    models = [Rim(config), Lstm(config["lstmUnits"])]
    # eps 1e-7: TensorFlow.js's Adam default.
    optimizers = [torch.optim.Adam(m.parameters(), lr=config["lr"], eps=1e-7) for m in models]
    dormant, batch, clip = config["trainDormant"], config["batch"], config["clip"]
    copy_start = SYMBOLS + dormant + 1

    def step():
        inputs, targets = copying_batch(batch, dormant, g)
        losses = []
        for model, optimizer in zip(models, optimizers):
            optimizer.zero_grad(set_to_none=True)
            loss = nn.functional.cross_entropy(model(inputs, copy_start), targets)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            losses.append(loss.detach())
        return losses

    return step
