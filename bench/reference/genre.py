"""GENRE (De Cao et al., ICLR 2021): one training step of the constrained-beam demo, in PyTorch.

The same model and step as src/models/genre/model.ts and train.ts:

  encoder   bi-GRU over word embeddings E_s x_t (H per direction), m_t = [h_fwd_t ; h_bwd_t]
  decoder   s_0 = tanh([h_fwd_T ; h_bwd_1] W_0), s_i = GRU(E_t y_{i-1}, s_{i-1}) (D = 2H units)
  attention a_i = softmax_t(m_t . s_i) over real tokens, c_i = sum_t a_it m_t
  output    log p(. | y_<i, x) = log_softmax(tanh([s_i ; c_i] W_c) W_o + b_o)
  loss      mean over the batch's real name tokens of -log p(y_i | y_<i, x) (teacher forcing)
  step      Adam (TensorFlow.js's defaults: beta 0.9 / 0.999, eps 1e-7), no clipping

GRU cell as the demo writes it: [z r n] = x W + b (one matmul) and h U, n = tanh(x_n + r * (h U_n)),
h' = (1 - z) n + z h. Initial weights drawn as the demo draws them (embeddings normal with std 0.1, matrices
Glorot-normal, biases 0); `--init torch` uses PyTorch's module defaults instead. Batches: the
training contexts reshuffled each epoch, `batchSize` per step.

The contexts are the demo's own: src/cli/reference.ts writes the data set the TypeScript side
builds (vocabulary, name token ids, training and held-out pairs) to a JSON file and passes its
path as `dataFile`.

Run as a script, the module also trains and evaluates (held-out exact match of constrained and
free beam search, as src/models/genre/retrieval.ts scores it), to compare learning curves:

    python3 bench/reference/genre.py --data genre-data.json --steps 400 --seed 0 [--init torch]

and `--replay FILE` runs given steps from given weights (test/unit/genre/reference.test.ts checks
that they give the demo's losses).
"""

import argparse
import json
import math
import time

import torch
from torch import nn

PAD, UNK, BOS, EOS = 0, 1, 2, 3


def load_data(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def pad(sequences):
    """[B, T] int64 ids (0-padded at the end) and their [B, T] float mask."""
    length = max(1, max(len(s) for s in sequences))
    ids = torch.zeros(len(sequences), length, dtype=torch.long)
    for b, s in enumerate(sequences):
        ids[b, : len(s)] = torch.tensor(s, dtype=torch.long)
    mask = torch.zeros(len(sequences), length)
    for b, s in enumerate(sequences):
        mask[b, : len(s)] = 1.0
    return ids, mask


def glorot(rows, cols, generator):
    return nn.Parameter(torch.randn(rows, cols, generator=generator) * math.sqrt(2.0 / (rows + cols)))


def torch_default_init(model, generator):
    """PyTorch's module defaults instead of the demo's: nn.Embedding N(0, 1), nn.GRU U(+-1/sqrt(H)) for
    every weight and bias, nn.Linear U(+-1/sqrt(fan_in)) (diagnosis only: `--init torch`)."""
    with torch.no_grad():
        for table in (model.source_embedding, model.target_embedding):
            table.normal_(0.0, 1.0, generator=generator)
        for gru in (model.forward_gru, model.backward_gru, model.decoder):
            bound = 1.0 / math.sqrt(gru.u.shape[0])
            for p in (gru.w, gru.u, gru.b):
                p.uniform_(-bound, bound, generator=generator)
        for p in (model.bridge, model.combine, model.output):
            bound = 1.0 / math.sqrt(p.shape[0])
            p.uniform_(-bound, bound, generator=generator)
        model.output_bias.uniform_(-1.0 / math.sqrt(model.output.shape[0]), 1.0 / math.sqrt(model.output.shape[0]), generator=generator)


class Gru(nn.Module):
    """W [in, 3H], U [H, 3H], b [3H]; gates z, r, n in that order."""

    def __init__(self, inputs, hidden, generator):
        super().__init__()
        self.w = glorot(inputs, 3 * hidden, generator)
        self.u = glorot(hidden, 3 * hidden, generator)
        self.b = nn.Parameter(torch.zeros(3 * hidden))

    def project(self, x):
        return x @ self.w + self.b

    def step(self, xw, h):
        xz, xr, xn = xw.chunk(3, dim=-1)
        hz, hr, hn = (h @ self.u).chunk(3, dim=-1)
        z = torch.sigmoid(xz + hz)
        r = torch.sigmoid(xr + hr)
        n = torch.tanh(xn + r * hn)
        return n + z * (h - n)


class Seq2Seq(nn.Module):
    def __init__(self, vocabulary, embedding, hidden, generator):
        super().__init__()
        d = 2 * hidden
        self.hidden = hidden
        self.source_embedding = nn.Parameter(torch.randn(vocabulary, embedding, generator=generator) * 0.1)
        self.target_embedding = nn.Parameter(torch.randn(vocabulary, embedding, generator=generator) * 0.1)
        self.forward_gru = Gru(embedding, hidden, generator)
        self.backward_gru = Gru(embedding, hidden, generator)
        self.bridge = glorot(d, d, generator)
        self.decoder = Gru(embedding, d, generator)
        self.combine = glorot(2 * d, d, generator)
        self.output = glorot(d, vocabulary, generator)
        self.output_bias = nn.Parameter(torch.zeros(vocabulary))

    def encode(self, source, mask):
        """Memory [B, T, 2H] (zero at padding), attention bias [B, T], initial decoder state [B, 2H]."""
        batch, length = source.shape
        x = self.source_embedding[source]  # [B, T, E]
        xf, xb = self.forward_gru.project(x), self.backward_gru.project(x)
        m = mask.unsqueeze(2)
        h = torch.zeros(batch, self.hidden)
        forward = []
        for t in range(length):
            h = h + m[:, t] * (self.forward_gru.step(xf[:, t], h) - h)
            forward.append(m[:, t] * h)
        last_forward = h  # padding keeps the state, so this is the state at the last real token
        h = torch.zeros(batch, self.hidden)
        backward = [None] * length
        for t in reversed(range(length)):
            h = h + m[:, t] * (self.backward_gru.step(xb[:, t], h) - h)
            backward[t] = m[:, t] * h
        memory = torch.cat([torch.stack(forward, 1), torch.stack(backward, 1)], 2)
        initial = torch.tanh(torch.cat([last_forward, backward[0]], 1) @ self.bridge)
        return memory, (1.0 - mask) * -1e9, initial

    def features(self, xw, state, memory, bias):
        state = self.decoder.step(xw, state)
        attention = torch.softmax(torch.einsum("btd,bd->bt", memory, state) + bias, dim=1)
        context = torch.einsum("bt,btd->bd", attention, memory)
        return torch.tanh(torch.cat([state, context], 1) @ self.combine), state

    def log_probs(self, features):
        return torch.log_softmax(features @ self.output + self.output_bias, dim=-1)

    def loss(self, source, source_mask, target_in, target_out, target_mask):
        memory, bias, state = self.encode(source, source_mask)
        xw = self.decoder.project(self.target_embedding[target_in])  # [B, L, 3D]
        features = []
        for i in range(target_in.shape[1]):
            f, state = self.features(xw[:, i], state, memory, bias)
            features.append(f)
        log_probs = self.log_probs(torch.stack(features, 1))  # [B, L, V]
        token_loss = -log_probs.gather(2, target_out.unsqueeze(2)).squeeze(2)
        return (token_loss * target_mask).sum() / target_mask.sum()


def batch_tensors(examples):
    source, source_mask = pad([e["source"] for e in examples])
    target_in, _ = pad([[BOS] + e["target"][:-1] for e in examples])
    target_out, target_mask = pad([e["target"] for e in examples])
    return source, source_mask, target_in, target_out, target_mask


def make_model(config, data, seed):
    g = torch.Generator().manual_seed(seed)
    model = Seq2Seq(len(data["words"]), int(config["embedding"]), int(config["hidden"]), g)
    if config.get("init") == "torch":
        torch_default_init(model, g)
    # eps 1e-7: TensorFlow.js's Adam default.
    optimizer = torch.optim.Adam(model.parameters(), lr=float(config["learningRate"]), eps=1e-7)
    return model, optimizer, g


def make_trainer(config, seed):
    """Returns step(): one batch of training contexts, one Adam step on the teacher-forced loss."""
    return trainer(config, load_data(config["dataFile"]), seed)[1]


def trainer(config, data, seed):
    """The model and its step(): one batch of training contexts, one Adam step on the teacher-forced loss."""
    model, optimizer, g = make_model(config, data, seed)
    train, batch = data["train"], int(config["batchSize"])
    order = []

    def step():
        nonlocal order
        if len(order) < batch:
            order = torch.randperm(len(train), generator=g).tolist()
        chosen, order = order[:batch], order[batch:]
        optimizer.zero_grad(set_to_none=True)
        loss = model.loss(*batch_tensors([train[i] for i in chosen]))
        loss.backward()
        optimizer.step()
        return loss.detach()

    return model, step


# ---------------------------------------------------------------------------------------------
# Evaluation: beam search as src/models/genre/beamSearch.ts runs it (fairseq's 2B candidates).


def build_trie(names):
    """Allowed next tokens of every prefix of every name (tuples), [EOS] where a name is complete."""
    allowed = {}
    for name in names:
        for i in range(len(name) + 1):
            allowed.setdefault(tuple(name[:i]), set()).add(name[i] if i < len(name) else EOS)
    return {prefix: sorted(tokens) for prefix, tokens in allowed.items()}


@torch.no_grad()
def beam_search(model, examples, vocabulary, trie, beam, alpha, max_length, chunk=256):
    """The top beam of every example: (tokens, finished)."""
    tops = []
    for start in range(0, len(examples), chunk):
        part = examples[start : start + chunk]
        source, mask = pad([e["source"] for e in part])
        memory, bias, initial = model.encode(source, mask)
        live = [[((), 0.0, e)] for e in range(len(part))]  # (tokens, log p, row)
        state = initial
        finished = [[] for _ in part]
        for _ in range(max_length):
            rows = [h for hyps in live for h in hyps]
            if not rows:
                break
            parents = torch.tensor([h[2] for h in rows])
            previous = torch.tensor([h[0][-1] if h[0] else BOS for h in rows])
            example_of = torch.tensor([e for e, hyps in enumerate(live) for _ in hyps])
            xw = model.decoder.project(model.target_embedding[previous])
            features, state = model.features(xw, state[parents], memory[example_of], bias[example_of])
            log_probs = model.log_probs(features)
            if trie is None:
                log_probs[:, PAD] = -math.inf
                log_probs[:, BOS] = -math.inf
            else:
                masked = torch.full_like(log_probs, -math.inf)
                for r, h in enumerate(rows):
                    allowed = torch.tensor(trie.get(h[0], []), dtype=torch.long)
                    masked[r, allowed] = log_probs[r, allowed]
                log_probs = masked
            r = 0
            next_live = []
            for e, hyps in enumerate(live):
                n = len(hyps)
                if n == 0:
                    next_live.append([])
                    continue
                scores = log_probs[r : r + n] + torch.tensor([h[1] for h in hyps]).unsqueeze(1)
                values, flat = scores.reshape(-1).topk(min(2 * beam, scores.numel()))
                keep = []
                for rank, (value, index) in enumerate(zip(values.tolist(), flat.tolist())):
                    if value == -math.inf:
                        break
                    parent, token = hyps[index // vocabulary], index % vocabulary
                    if token == EOS:
                        if rank < beam and len(finished[e]) < beam:
                            score = value / max(1, len(parent[0]) + 1) ** alpha
                            finished[e].append((score, parent[0], True))
                    elif len(keep) < beam:
                        keep.append((parent[0] + (token,), value, r + index // vocabulary))
                next_live.append([] if len(finished[e]) >= beam else keep)
                r += n
            live = next_live
        for e in range(len(part)):
            ranked = sorted(finished[e], key=lambda f: -f[0])
            if not ranked:
                ranked = sorted(
                    [(h[1] / max(1, len(h[0])) ** alpha, h[0], False) for h in live[e]], key=lambda f: -f[0]
                )
            tops.append((ranked[0][1], ranked[0][2]) if ranked else ((), False))
    return tops


def evaluate(model, data, examples, trie, beam=5, alpha=1.0, max_length=14):
    names = {tuple(n): i for i, n in enumerate(data["names"])}
    out = {}
    for label, constraint in (("constrained", trie), ("free", None)):
        tops = beam_search(model, examples, len(data["words"]), constraint, beam, alpha, max_length)
        correct = invalid = amb = amb_correct = 0
        for example, (tokens, done) in zip(examples, tops):
            entity = names.get(tokens, -1) if done else -1
            invalid += entity == -1
            hit = entity == example["entity"]
            correct += hit
            if example["ambiguous"]:
                amb += 1
                amb_correct += hit
        out[label] = {"em": correct / len(examples), "invalid": invalid / len(examples), "ambiguous": amb_correct / max(1, amb)}
    return out


PARAMETER_ORDER = (
    "source_embedding",
    "target_embedding",
    "forward_gru.w",
    "forward_gru.u",
    "forward_gru.b",
    "backward_gru.w",
    "backward_gru.u",
    "backward_gru.b",
    "bridge",
    "decoder.w",
    "decoder.u",
    "decoder.b",
    "combine",
    "output",
    "output_bias",
)
"""The order of src/models/genre/model.ts `variables(model)`."""


def replay(path):
    """Trains from given initial weights on given batches; returns the loss of every step.

    The file holds {"data": {...data set...}, "config": {...}, "init": [{"shape", "values"}...] in
    PARAMETER_ORDER, "batches": [[training indices]...]}: the unit test compares these losses with
    the demo's own steps from the same start.
    """
    spec = load_data(path)
    model, optimizer, _ = make_model(spec["config"], spec["data"], 0)
    named = dict(model.named_parameters())
    with torch.no_grad():
        for name, value in zip(PARAMETER_ORDER, spec["init"]):
            if list(named[name].shape) != value["shape"]:
                raise ValueError(f"{name}: shape {list(named[name].shape)} != {value['shape']}")
            named[name].copy_(torch.tensor(value["values"]).view(value["shape"]))
    losses = []
    train = spec["data"]["train"]
    for batch in spec["batches"]:
        optimizer.zero_grad(set_to_none=True)
        loss = model.loss(*batch_tensors([train[i] for i in batch]))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def main():
    parser = argparse.ArgumentParser(description="Trains the GENRE reference and scores its beam search.")
    parser.add_argument("--data", help="the data set JSON (see the module's doc)")
    parser.add_argument("--replay", help="print the losses of given steps from given weights, as JSON")
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--embedding", type=int, default=64)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--init", choices=["demo", "torch"], default="demo")
    parser.add_argument("--eval-every", type=int, default=100)
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.replay:
        print(json.dumps(replay(args.replay)))
        return
    if not args.data:
        parser.error("--data or --replay is required")
    torch.manual_seed(args.seed)
    config = {
        "dataFile": args.data,
        "batchSize": args.batch,
        "learningRate": args.lr,
        "embedding": args.embedding,
        "hidden": args.hidden,
        "init": args.init,
    }
    data = load_data(args.data)
    trie = build_trie(data["names"])
    model, step = trainer(config, data, args.seed)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    losses = []
    for s in range(1, args.steps + 1):
        losses.append(step().item())
        if s % args.eval_every == 0 or s == args.steps:
            scores = evaluate(model, data, data["test"], trie)
            line = {"step": s, "loss": round(sum(losses[-10:]) / len(losses[-10:]), 4)}
            line.update({f"{k}/{m}": round(v, 4) for k, d in scores.items() for m, v in d.items()})
            line.update({"wall": round(time.perf_counter() - wall0, 1), "cpu": round(time.process_time() - cpu0, 1)})
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
